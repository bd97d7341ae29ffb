import CLinux
import Glibc

/// Watches the kernel's address and route changes (rtnetlink) so the tunnel comes back at once after a network
/// change, instead of waiting for dead-peer detection (issue: staying connected). Two things count: the removal
/// of the address the outer connection uses (a lost lease, a link flap), and a default route added or removed
/// outside the tun (another network: Wi-Fi to cable, a hand-over). Lifetime refreshes, other addresses, and the
/// tun's own routes (the vpnc-script's) are not reasons to drop a working tunnel.
final class NetworkChangeMonitor {
    let descriptor: Int32
    private let watched: [UInt8]

    /// `socket` is the outer TCP connection; nil when its local address cannot be read or netlink is not there.
    private let tunIndex: UInt32

    init?(watchingLocalAddressOf socket: Int32, tun: String) {
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
        tunIndex = if_nametoindex(tun)
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
            while offset + 28 <= count {
                let length = Int(load(UInt32.self, buffer, offset))
                let type = load(UInt16.self, buffer, offset + 4)
                guard length >= 28, offset + length <= count else { break }
                if type == 24 || type == 25, change == nil {  // RTM_NEWROUTE, RTM_DELROUTE
                    // rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type (u8 each), flags u32.
                    let destinationLength = buffer[offset + 17]
                    let table = buffer[offset + 20]
                    var outputInterface: UInt32?
                    var attribute = offset + 28
                    while attribute + 4 <= offset + length {
                        let size = Int(load(UInt16.self, buffer, attribute))
                        let kind = load(UInt16.self, buffer, attribute + 2)
                        guard size >= 4, attribute + size <= offset + length else { break }
                        if kind == 4, size >= 8 { outputInterface = load(UInt32.self, buffer, attribute + 4) }  // RTA_OIF
                        attribute += (size + 3) & ~3
                    }
                    if destinationLength == 0, table == 254, outputInterface != tunIndex {  // default, main table
                        change = "a default route was \(type == 24 ? "added" : "removed")"
                    }
                }
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
