/// Checks for text a gateway sends (issue 13, item 6): every value that reaches the vpnc-script, the terminal or
/// the log is typed (an address as an address, a domain as a domain name) or stripped of control characters.
public enum GatewayText {
    /// The text without C0/C1 control characters, DEL or bidirectional overrides (which reorder what a terminal
    /// shows); with `keepNewlines`, LF survives (a banner has lines), CR never does.
    public static func printable(_ text: String, keepNewlines: Bool = false) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if keepNewlines && scalar == "\n" { out.append(scalar); continue }
            if scalar == "\t" { out.append(" "); continue }
            if isControl(scalar) { continue }
            out.append(scalar)
        }
        return String(out)
    }

    /// Whether the text holds nothing `printable` would remove.
    public static func isPrintable(_ text: String) -> Bool {
        !text.unicodeScalars.contains(where: isControl)
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (0x7f...0x9f).contains(value) || (0x202a...0x202e).contains(value)
            || (0x2066...0x2069).contains(value)
    }

    /// A DNS name: dot-separated labels of letters, digits, `-` and `_` (1-63 each, 253 in all), a trailing dot
    /// allowed. Nothing else can reach resolv.conf (an LF there would add lines).
    public static func isDomainName(_ text: String) -> Bool {
        var name = Substring(text)
        if name.hasSuffix(".") { name = name.dropLast() }
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            guard (1...63).contains(label.utf8.count), label.first != "-", label.last != "-" else { return false }
            for byte in label.utf8 {
                let ok = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                    || byte == 0x2d || byte == 0x5f
                if !ok { return false }
            }
        }
        return true
    }

    /// A textual IPv4 address (four decimal bytes).
    public static func isIPv4Address(_ text: String) -> Bool {
        IPv4Network.parseAddress(text) != nil
    }

    /// A textual IPv6 address (RFC 4291 §2.2: eight groups of up to four hex digits, one `::`, an IPv4 tail).
    public static func isIPv6Address(_ text: String) -> Bool {
        guard text.contains(":"), text.utf8.count <= 45, !text.contains(":::") else { return false }
        // Split at the one "::" (if any); each side is groups with no empty one.
        var sides: [Substring] = []
        let scalars = Array(text.utf8)
        if let at = scalars.indices.dropLast().first(where: { scalars[$0] == 0x3a && scalars[$0 + 1] == 0x3a }) {
            let utf8 = text.utf8
            let start = utf8.index(utf8.startIndex, offsetBy: at)
            sides = [text[..<start], text[utf8.index(start, offsetBy: 2)...]]
            guard !sides[1].contains("::") else { return false }
        } else {
            sides = [Substring(text)]
        }
        var count = 0
        for (sideIndex, side) in sides.enumerated() where !side.isEmpty {
            let groups = side.split(separator: ":", omittingEmptySubsequences: false)
            for (index, group) in groups.enumerated() {
                if group.contains(".") {
                    // An IPv4 tail, last of the address only: two groups.
                    guard sideIndex == sides.count - 1, index == groups.count - 1, isIPv4Address(String(group)) else { return false }
                    count += 2
                    continue
                }
                guard (1...4).contains(group.utf8.count), group.unicodeScalars.allSatisfy({ $0.properties.isASCIIHexDigit }) else {
                    return false
                }
                count += 1
            }
        }
        return sides.count == 2 ? count < 8 : count == 8
    }

    /// An IPv4 or IPv6 address.
    public static func isIPAddress(_ text: String) -> Bool {
        isIPv4Address(text) || isIPv6Address(text)
    }

    /// `addr/prefix` with an IPv6 address and a prefix of 0-128 (no prefix: a host, /128).
    public static func isIPv6Network(_ text: String) -> Bool {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard isIPv6Address(String(parts[0])) else { return false }
        if parts.count == 2 {
            guard let prefix = Int(parts[1]), (0...128).contains(prefix), parts[1].allSatisfy(\.isASCII) else { return false }
        }
        return true
    }
}
