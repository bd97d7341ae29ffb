/// How a theme draws one colour role: foreground, background, attributes.
public struct RoleStyle: Sendable, Equatable, Codable {
    public var fg: ThemeColor
    public var bg: ThemeColor
    public var attrs: [TextAttribute]

    public init(fg: ThemeColor = .default, bg: ThemeColor = .default, attrs: [TextAttribute] = []) {
        self.fg = fg
        self.bg = bg
        self.attrs = attrs
    }

    private enum CodingKeys: String, CodingKey { case fg, bg, attrs }

    // `fg`, `bg` and `attrs` may each be left out; anything else in the object is a mistake worth reporting.
    public init(from decoder: Decoder) throws {
        let keys = try decoder.container(keyedBy: AnyKey.self)
        for key in keys.allKeys where CodingKeys(stringValue: key.stringValue) == nil {
            throw DecodingError.dataCorrupted(.init(
                codingPath: keys.codingPath + [key],
                debugDescription: "unknown key '\(key.stringValue)' (known: fg, bg, attrs)"))
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        fg = try container.decodeIfPresent(ThemeColor.self, forKey: .fg) ?? .default
        bg = try container.decodeIfPresent(ThemeColor.self, forKey: .bg) ?? .default
        attrs = try container.decodeIfPresent([TextAttribute].self, forKey: .attrs) ?? []
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(fg, forKey: .fg)
        try container.encode(bg, forKey: .bg)
        if !attrs.isEmpty { try container.encode(attrs, forKey: .attrs) }
    }
}
