import CLinux
import Glibc
import SecureChannel

/// Watches the kernel's address and route changes (rtnetlink) so the tunnel comes back at once after a network
/// change, instead of waiting for dead-peer detection (issue: staying connected). Two things count (issue 14,
/// item 3): the removal of the address the outer connection uses (a lost lease, a link flap), and a default route
/// of the connection's family that really appeared or went away outside the tun: the routes present at the start
/// are read once (a route dump), so a refresh of one of them (`DefaultRoutes`) is told from a new network. Route
/// refreshes, IPv6 router advertisements under an IPv4 connection (or renewing a known route), other addresses
/// and the tun's own routes (the vpnc-script's) are not reasons to drop a working tunnel.
final class NetworkChangeMonitor {
    let descriptor: Int32
    private let watched: [UInt8]
    private let family: UInt8
    private let tunIndex: UInt32
    private var routes = DefaultRoutes()

    /// `socket` is the outer TCP connection; nil when its addresses cannot be read or netlink is not there.
    init?(watchingLocalAddressOf socket: Int32, tun: String) {
        guard let local = Self.address(of: socket, peer: false) else { return nil }
        let fd = CLinux_netlink_address_monitor()
        guard fd >= 0 else { return nil }
        descriptor = fd
        watched = local.bytes
        family = local.family
        tunIndex = if_nametoindex(tun)
        readInitialRoutes()
    }

    /// The default routes there now: a dump on the monitor's own socket, read up to its NLMSG_DONE (or a second).
    private func readInitialRoutes() {
        guard CLinux_netlink_request_route_dump(descriptor, Int32(family)) == 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 32768)
        var done = false
        while !done {
            var pfd = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 1000) > 0 else { return }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return }
            forEachMessage(buffer, count: count) { type, offset, length in
                if type == 3 || type == 2 { done = true }  // NLMSG_DONE, NLMSG_ERROR
                if type == 24, let route = defaultRoute(buffer, offset, length) { _ = routes.added(route) }
            }
        }
    }

    deinit { close(descriptor) }

    /// Reads every queued message; describes a change worth reconnecting for, if one was among them.
    func drain() -> String? {
        var change: String?
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return change }
            forEachMessage(buffer, count: count) { type, offset, length in
                if type == 24 || type == 25, let route = defaultRoute(buffer, offset, length) {  // RTM_NEW/DELROUTE
                    let what = type == 24 ? routes.added(route) : routes.removed(route)
                    if change == nil { change = what }
                }
                if type == 21, change == nil {  // RTM_DELADDR: ifaddrmsg (8 bytes), IFA_ADDRESS (1), IFA_LOCAL (2)
                    forEachAttribute(buffer, from: offset + 24, to: offset + length) { kind, start, size in
                        if kind == 1 || kind == 2, Array(buffer[start..<(start + size)]) == watched {
                            change = "the address \(IPAddressText.format(watched)) this connection used was removed"
                        }
                    }
                }
            }
        }
    }

    /// Each netlink message: nlmsghdr (16 bytes: length u32, type u16, flags u16, seq u32, pid u32), then its body.
    private func forEachMessage(_ buffer: [UInt8], count: Int, _ body: (UInt16, Int, Int) -> Void) {
        var offset = 0
        while offset + 16 <= count {
            let length = Int(load(UInt32.self, buffer, offset))
            let type = load(UInt16.self, buffer, offset + 4)
            guard length >= 16, offset + length <= count else { break }
            body(type, offset, length)
            offset += (length + 3) & ~3
        }
    }

    /// The route of an RTM_NEWROUTE/DELROUTE message when it is one that matters (`DefaultRoutes.concerns`).
    private func defaultRoute(_ buffer: [UInt8], _ offset: Int, _ length: Int) -> DefaultRoutes.Route? {
        guard length >= 28 else { return nil }
        // rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type (u8 each), flags u32.
        var table = UInt32(buffer[offset + 20])
        var outputInterface: UInt32?
        var gateway: [UInt8] = []
        var priority: UInt32 = 0
        forEachAttribute(buffer, from: offset + 28, to: offset + length) { kind, start, size in
            switch kind {
            case 4 where size >= 4: outputInterface = load(UInt32.self, buffer, start)  // RTA_OIF
            case 5: gateway = Array(buffer[start..<(start + size)])  // RTA_GATEWAY
            case 6 where size >= 4: priority = load(UInt32.self, buffer, start)  // RTA_PRIORITY
            case 15 where size >= 4: table = load(UInt32.self, buffer, start)  // RTA_TABLE
            default: break
            }
        }
        guard DefaultRoutes.concerns(family: buffer[offset + 16], destinationLength: buffer[offset + 17], table: table,
                                     outputInterface: outputInterface, connectionFamily: family, tunIndex: tunIndex)
        else { return nil }
        return DefaultRoutes.Route(gateway: gateway, interfaceIndex: outputInterface ?? 0, priority: priority)
    }

    private func forEachAttribute(_ buffer: [UInt8], from: Int, to end: Int, _ body: (UInt16, Int, Int) -> Void) {
        var attribute = from
        while attribute + 4 <= end {
            let size = Int(load(UInt16.self, buffer, attribute))
            let kind = load(UInt16.self, buffer, attribute + 2)
            guard size >= 4, attribute + size <= end else { break }
            body(kind, attribute + 4, size - 4)
            attribute += (size + 3) & ~3
        }
    }

    /// The socket's local or peer address bytes and family (AF_INET or AF_INET6).
    private static func address(of socket: Int32, peer: Bool) -> (family: UInt8, bytes: [UInt8])? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                (peer ? getpeername(socket, $0, &length) : getsockname(socket, $0, &length)) == 0
            }
        }
        guard ok else { return nil }
        let family = storage.ss_family
        var bytes: [UInt8] = []
        withUnsafeBytes(of: storage) { raw in
            if family == sa_family_t(AF_INET) {
                bytes = Array(raw[4..<8])  // sockaddr_in: family u16, port u16, address
            } else if family == sa_family_t(AF_INET6) {
                bytes = Array(raw[8..<24])  // sockaddr_in6: family, port, flowinfo u32, address
            }
        }
        return bytes.isEmpty ? nil : (UInt8(family), bytes)
    }

    private func load<T: FixedWidthInteger>(_: T.Type, _ bytes: [UInt8], _ offset: Int) -> T {
        var value: T = 0
        withUnsafeMutableBytes(of: &value) { target in
            for index in 0..<MemoryLayout<T>.size { target[index] = bytes[offset + index] }
        }
        return T(littleEndian: value)
    }
}
