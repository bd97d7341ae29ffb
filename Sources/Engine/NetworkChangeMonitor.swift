import CLinux
import Glibc

/// Watches the kernel's address changes (rtnetlink) so the tunnel comes back at once when the address its
/// outer connection uses goes away (a new network, a lost lease, a link flap), instead of waiting for dead-peer
/// detection (issue: staying connected). Only the removal of that address counts: lifetime refreshes and the
/// addresses of other interfaces (the tun's own included) are not reasons to drop a working tunnel.
final class NetworkChangeMonitor {
    let descriptor: Int32
    private let watched: [UInt8]

    /// `socket` is the outer TCP connection; nil when its local address cannot be read or netlink is not there.
    init?(watchingLocalAddressOf socket: Int32) {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) == 0 }
        }
        guard ok else { return nil }
        var address: [UInt8] = []
        let family = storage.ss_family
        withUnsafeBytes(of: storage) { raw in
            if family == sa_family_t(AF_INET) {
                address = Array(raw[4..<8])  // sockaddr_in: family u16, port u16, address
            } else if family == sa_family_t(AF_INET6) {
                address = Array(raw[8..<24])  // sockaddr_in6: family, port, flowinfo u32, address
            }
        }
        let fd = CLinux_netlink_address_monitor()
        guard !address.isEmpty, fd >= 0 else {
            if fd >= 0 { close(fd) }
            return nil
        }
        descriptor = fd
        watched = address
    }

    deinit { close(descriptor) }

    /// Reads every queued message; describes the removal of the watched address, if one was among them.
    func drain() -> String? {
        var change: String?
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return change }
            var offset = 0
            // nlmsghdr (16 bytes: length u32, type u16, flags u16, seq u32, pid u32), then ifaddrmsg (8 bytes),
            // then rtattrs (length u16, type u16, value) holding IFA_ADDRESS (1) and IFA_LOCAL (2).
            while offset + 24 <= count {
                let length = Int(load(UInt32.self, buffer, offset))
                let type = load(UInt16.self, buffer, offset + 4)
                guard length >= 24, offset + length <= count else { break }
                if type == 21, change == nil {  // RTM_DELADDR
                    var attribute = offset + 24
                    while attribute + 4 <= offset + length {
                        let size = Int(load(UInt16.self, buffer, attribute))
                        let kind = load(UInt16.self, buffer, attribute + 2)
                        guard size >= 4, attribute + size <= offset + length else { break }
                        if kind == 1 || kind == 2, Array(buffer[(attribute + 4)..<(attribute + size)]) == watched {
                            change = "the address \(IPAddressText.format(watched)) this connection used was removed"
                        }
                        attribute += (size + 3) & ~3
                    }
                }
                offset += (length + 3) & ~3
            }
        }
    }

    private func load<T: FixedWidthInteger>(_: T.Type, _ bytes: [UInt8], _ offset: Int) -> T {
        var value: T = 0
        withUnsafeMutableBytes(of: &value) { target in
            for index in 0..<MemoryLayout<T>.size { target[index] = bytes[offset + index] }
        }
        return T(littleEndian: value)
    }
}

import SecureChannel
