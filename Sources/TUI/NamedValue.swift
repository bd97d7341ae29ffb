/// Theme values written as names in JSON (colours, attributes): decoding an unknown name says which are known.
protocol NamedValue: RawRepresentable, CaseIterable where RawValue == String {
    /// What the value is called in the error ("colour", "attribute").
    static var kindName: String { get }
}

extension NamedValue {
    static func decodeName(from decoder: Decoder) throws -> Self {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(rawValue: name) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "unknown \(kindName) '\(name)' (known: \(allCases.map(\.rawValue).joined(separator: ", ")))"))
        }
        return value
    }
}
