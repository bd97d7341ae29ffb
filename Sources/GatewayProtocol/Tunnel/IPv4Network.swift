/// An IPv4 network as the gateway sends it: `addr/255.255.0.0` or `addr/16` (protocol.md §3.2), host bits cleared.
public struct IPv4Network: Sendable, Equatable, CustomStringConvertible {
    public var address: UInt32
    public var prefixLength: Int

    public init(address: UInt32, prefixLength: Int) {
        self.prefixLength = max(0, min(32, prefixLength))
        self.address = address & IPv4Network.mask(self.prefixLength)
    }

    public init?(parsing text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map { $0.trimmingSpaces }
        // An empty header value splits into nothing (found by the `connect` fuzz target).
        guard let first = parts.first, let address = IPv4Network.parseAddress(first) else { return nil }
        var prefix = 32
        if parts.count == 2 {
            if let length = Int(parts[1]), (0...32).contains(length) {
                prefix = length
            } else if let mask = IPv4Network.parseAddress(parts[1]), let length = IPv4Network.prefixLength(ofMask: mask) {
                prefix = length
            } else {
                return nil
            }
        }
        self.init(address: address, prefixLength: prefix)
    }

    public var addressText: String { IPv4Network.format(address) }
    public var netmaskText: String { IPv4Network.format(IPv4Network.mask(prefixLength)) }
    public var description: String { "\(addressText)/\(prefixLength)" }

    public static func mask(_ prefix: Int) -> UInt32 {
        prefix == 0 ? 0 : UInt32.max << UInt32(32 - prefix)
    }

    /// The prefix length of a contiguous netmask; nil for a mask like 255.0.255.0.
    public static func prefixLength(ofMask mask: UInt32) -> Int? {
        let ones = mask.nonzeroBitCount
        return IPv4Network.mask(ones) == mask ? ones : nil
    }

    public static func parseAddress(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, let byte = UInt8(part) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }

    public static func format(_ value: UInt32) -> String {
        "\(value >> 24).\(value >> 16 & 0xff).\(value >> 8 & 0xff).\(value & 0xff)"
    }
}
