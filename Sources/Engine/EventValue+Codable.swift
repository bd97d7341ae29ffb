/// EventValue as JSON: strings, numbers, booleans, arrays, and objects whose key order is kept (an array of
/// [key, value] pairs, since JSON objects are unordered and the phase details have a reading order).
extension EventValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) { self = .bool(value); return }
        if let value = try? container.decode(Int.self) { self = .int(value); return }
        if let value = try? container.decode(String.self) { self = .string(value); return }
        if let value = try? container.decode([EventValue].self) { self = .list(value); return }
        if let pairs = try? container.decode(ObjectPairs.self) { self = .object(pairs.pairs); return }
        throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an event value")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .list(let value): try container.encode(value)
        case .object(let pairs): try container.encode(ObjectPairs(pairs: pairs))
        }
    }

    /// `{"pairs": [[key, value], ...]}`: distinct from a list, and ordered.
    struct ObjectPairs: Codable {
        var pairs: [(String, EventValue)]

        init(pairs: [(String, EventValue)]) { self.pairs = pairs }

        enum CodingKeys: String, CodingKey { case pairs }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            var list = try container.nestedUnkeyedContainer(forKey: .pairs)
            var pairs: [(String, EventValue)] = []
            while !list.isAtEnd {
                var pair = try list.nestedUnkeyedContainer()
                pairs.append((try pair.decode(String.self), try pair.decode(EventValue.self)))
            }
            self.pairs = pairs
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            var list = container.nestedUnkeyedContainer(forKey: .pairs)
            for (key, value) in pairs {
                var pair = list.nestedUnkeyedContainer()
                try pair.encode(key)
                try pair.encode(value)
            }
        }
    }
}
