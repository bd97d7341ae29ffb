/// A text attribute a theme may add to a role; `reverse` and `bold` keep states readable without colour.
public enum TextAttribute: String, Sendable, CaseIterable, Codable {
    case bold, dim, reverse, underline

    public init(from decoder: Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let attribute = TextAttribute(rawValue: name) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "unknown attribute '\(name)' (known: \(Self.allCases.map(\.rawValue).joined(separator: ", ")))"))
        }
        self = attribute
    }
}
