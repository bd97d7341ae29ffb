import Foundation

/// The theme file format (docs/THEMES.md): `{"name", "description", "roles": {role: {fg, bg, attrs}}}`.
/// Unknown roles, colours, attributes and keys are errors, so a typo is reported rather than ignored.
extension Theme: Codable {
    private enum CodingKeys: String, CodingKey { case name, description, roles }

    public init(from decoder: Decoder) throws {
        let keys = try decoder.container(keyedBy: AnyKey.self)
        for key in keys.allKeys where CodingKeys(stringValue: key.stringValue) == nil {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [key], debugDescription: "unknown key '\(key.stringValue)' (known: name, description, roles)"))
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .name)
        let description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        let roles = try container.nestedContainer(keyedBy: AnyKey.self, forKey: .roles)
        var styles: [ColorRole: RoleStyle] = [:]
        for key in roles.allKeys {
            guard let role = ColorRole(rawValue: key.stringValue) else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: roles.codingPath + [key],
                    debugDescription: "unknown role '\(key.stringValue)' (known: "
                        + ColorRole.allCases.map(\.rawValue).joined(separator: ", ") + ")"))
            }
            styles[role] = try roles.decode(RoleStyle.self, forKey: key)
        }
        guard styles[.normal] != nil else {
            throw DecodingError.keyNotFound(AnyKey(stringValue: "normal"), .init(
                codingPath: roles.codingPath, debugDescription: "every theme needs a 'normal' role"))
        }
        self.init(name: name, description: description, styles: styles)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(description, forKey: .description)
        var roles = container.nestedContainer(keyedBy: AnyKey.self, forKey: .roles)
        for role in ColorRole.allCases {
            if let style = styles[role] { try roles.encode(style, forKey: AnyKey(stringValue: role.rawValue)) }
        }
    }

    /// The file text: one role per line in role order, so the shipped files read like a table.
    public func jsonText() -> String {
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        var lines = ["{", "  \"name\": \(quoted(name)),", "  \"description\": \(quoted(description)),", "  \"roles\": {"]
        let roles = ColorRole.allCases.filter { styles[$0] != nil }
        for (index, role) in roles.enumerated() {
            let style = styles[role]!
            var fields = ["\"fg\": \(quoted(style.fg.rawValue))", "\"bg\": \(quoted(style.bg.rawValue))"]
            if !style.attrs.isEmpty {
                fields.append("\"attrs\": [" + style.attrs.map { quoted($0.rawValue) }.joined(separator: ", ") + "]")
            }
            let comma = index == roles.count - 1 ? "" : ","
            lines.append("    \(quoted(role.rawValue)): { " + fields.joined(separator: ", ") + " }" + comma)
        }
        lines += ["  }", "}", ""]
        return lines.joined(separator: "\n")
    }
}
