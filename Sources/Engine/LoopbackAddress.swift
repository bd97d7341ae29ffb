import Glibc

/// A loopback address to bind the SSO callback listener to; nothing else can be made one.
struct LoopbackAddress {
    let isIPv6: Bool
    private let v4: in_addr
    private let v6: in6_addr

    /// 127.0.0.0/8 or ::1, nil otherwise (unparsable, a network address, or the wildcard).
    init?(_ text: String) {
        var address4 = in_addr()
        var address6 = in6_addr()
        if inet_pton(AF_INET, text, &address4) == 1 {
            guard UInt32(bigEndian: address4.s_addr) >> 24 == 127 else { return nil }
            isIPv6 = false
        } else if inet_pton(AF_INET6, text, &address6) == 1 {
            guard Self.isIPv6Loopback(address6) else { return nil }
            isIPv6 = true
        } else {
            return nil
        }
        v4 = address4
        v6 = address6
    }

    func withSockaddr<R>(port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            address.sin6_addr = v6
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr = v4
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    static func port(of storage: sockaddr_storage) -> Int? {
        var copy = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &copy) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            }
        case AF_INET6:
            return withUnsafePointer(to: &copy) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
        default:
            return nil
        }
    }

    /// Whether an accepted peer is on loopback: 127.0.0.0/8, ::1, or 127.0.0.0/8 mapped into IPv6.
    static func isLoopbackPeer(_ storage: sockaddr_storage) -> Bool {
        var copy = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &copy) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    UInt32(bigEndian: $0.pointee.sin_addr.s_addr) >> 24 == 127
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &copy) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    let address = pointer.pointee.sin6_addr
                    if isIPv6Loopback(address) { return true }
                    let bytes = withUnsafeBytes(of: address) { Array($0) }
                    return bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff && bytes[12] == 127
                }
            }
        default:
            return false
        }
    }

    private static func isIPv6Loopback(_ address: in6_addr) -> Bool {
        let bytes = withUnsafeBytes(of: address) { Array($0) }
        return bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1
    }
}
