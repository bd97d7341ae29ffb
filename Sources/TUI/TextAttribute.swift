/// A text attribute a theme may add to a role; `reverse` and `bold` keep states readable without colour.
public enum TextAttribute: String, Sendable, CaseIterable, Codable, NamedValue {
    static let kindName = "attribute"
    case bold, dim, reverse, underline

    public init(from decoder: Decoder) throws {
        self = try Self.decodeName(from: decoder)
    }
}
