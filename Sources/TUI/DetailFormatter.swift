import Engine

/// A phase's details as readable lines: `key: value`, lists joined, lists of objects one per line. Used by
/// the timeline's on-demand details, so a new detail the engine adds shows up without TUI changes.
public enum DetailFormatter {
    public static func lines(_ detail: [DetailItem]) -> [String] {
        detail.flatMap { item in lines(key: label(item.key), item.value, indent: "") }
    }

    private static func lines(key: String, _ value: EventValue, indent: String) -> [String] {
        switch value {
        case .list(let items) where items.contains(where: { if case .object = $0 { true } else { false } }):
            return ["\(indent)\(key):"] + items.flatMap { item -> [String] in
                if case .object(let pairs) = item { return ["\(indent)  - " + inline(pairs)] }
                return ["\(indent)  - " + scalar(item)]
            }
        case .list(let items):
            return ["\(indent)\(key): " + (items.isEmpty ? "none" : items.map(scalar).joined(separator: ", "))]
        case .object(let pairs):
            return ["\(indent)\(key): " + inline(pairs)]
        default:
            return ["\(indent)\(key): " + scalar(value)]
        }
    }

    /// Objects inside lists print on one line: `value eng, label Engineering`.
    private static func inline(_ pairs: [(String, EventValue)]) -> String {
        pairs.map { "\(label($0.0)) \(scalar($0.1))" }.joined(separator: ", ")
    }

    private static func scalar(_ value: EventValue) -> String {
        switch value {
        case .string(let text): text.isEmpty ? "-" : text
        case .int(let number): String(number)
        case .bool(let flag): flag ? "yes" : "no"
        case .list(let items): "[" + items.map(scalar).joined(separator: ", ") + "]"
        case .object(let pairs): "{" + inline(pairs) + "}"
        }
    }

    /// `client_ca_names` → `client CA names`, `next_in_s` → `next in s`.
    static func label(_ key: String) -> String {
        key.split(separator: "_").map { word in
            ["ca", "mtu", "dpd", "uri", "dtls", "sha1"].contains(word) ? word.uppercased() : String(word)
        }.joined(separator: " ")
    }
}
