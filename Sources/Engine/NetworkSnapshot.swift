import Foundation
import SecureChannel

/// The routes and the resolv.conf of this network namespace, taken before the vpnc-script's `connect`, so that
/// the teardown can check that what the tunnel set up is gone (issue 14, item 5) and `swiftgate cleanup` can
/// undo what a killed session left. Read from /proc/net/route, /proc/net/ipv6_route and /etc/resolv.conf.
public struct NetworkSnapshot: Codable, Sendable, Equatable {
    /// One route, as `ip route` would name it.
    public struct Route: Codable, Sendable, Hashable, CustomStringConvertible {
        public var ipv6: Bool
        public var destination: String
        public var interface: String
        public var gateway: String?
        public var metric: UInt32

        public var description: String {
            "\(ipv6 ? "IPv6 " : "")route \(destination) dev \(interface)" + (gateway.map { " via \($0)" } ?? "")
        }

        /// `ip` arguments that delete it.
        public var deleteArguments: [String] {
            (ipv6 ? ["-6"] : []) + ["route", "del", destination, "dev", interface] + (gateway.map { ["via", $0] } ?? [])
                + ["metric", String(metric)]
        }
    }

    public var routes: [Route]
    public var resolvConf: String?

    public init(routes: [Route], resolvConf: String?) {
        self.routes = routes
        self.resolvConf = resolvConf
    }

    /// This namespace now.
    public static func current() -> NetworkSnapshot {
        let v4 = (try? String(contentsOfFile: "/proc/net/route", encoding: .utf8)) ?? ""
        let v6 = (try? String(contentsOfFile: "/proc/net/ipv6_route", encoding: .utf8)) ?? ""
        return NetworkSnapshot(routes: routes4(v4) + routes6(v6),
                               resolvConf: try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8))
    }

    /// /proc/net/route: Iface Destination Gateway Flags RefCnt Use Metric Mask …, addresses in host-order hex.
    static func routes4(_ text: String) -> [Route] {
        text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            guard fields.count >= 8, let destination = UInt32(fields[1], radix: 16), let gateway = UInt32(fields[2], radix: 16),
                  let metric = UInt32(fields[6]), let mask = UInt32(fields[7], radix: 16) else { return nil }
            func text(_ value: UInt32) -> String { IPAddressText.format(withUnsafeBytes(of: value.littleEndian) { Array($0) }) }
            return Route(ipv6: false, destination: "\(text(destination))/\(mask.nonzeroBitCount)", interface: String(fields[0]),
                         gateway: gateway == 0 ? nil : text(gateway), metric: metric)
        }
    }

    /// /proc/net/ipv6_route: destination, prefix, source, prefix, next hop, metric, refcnt, use, flags, device (hex).
    /// The local table's entries (RTF_LOCAL, 0x80000000: an address's own route, which a link-local address adds once
    /// its duplicate detection ends) and multicast come and go with addresses, not with the script.
    static func routes6(_ text: String) -> [Route] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 10, let prefix = UInt8(fields[1], radix: 16), let metric = UInt32(fields[5], radix: 16),
                  let flags = UInt32(fields[8], radix: 16), let destination = bytes(fields[0]), let hop = bytes(fields[4])
            else { return nil }
            let interface = String(fields[9])
            guard flags & 0x8000_0000 == 0, interface != "lo", destination.first != 0xff else { return nil }
            return Route(ipv6: true, destination: "\(IPAddressText.format(destination))/\(prefix)", interface: interface,
                         gateway: hop.allSatisfy { $0 == 0 } ? nil : IPAddressText.format(hop), metric: metric)
        }
    }

    private static func bytes(_ hex: Substring) -> [UInt8]? {
        guard hex.count == 32 else { return nil }
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            result.append(byte)
            index = next
        }
        return result
    }

    /// What is still there that was not before: routes the tunnel added, resolv.conf changed, the tun. Empty: the
    /// network is as it was.
    public static func leftovers(before: NetworkSnapshot, after: NetworkSnapshot, tun: String, tunPresent: Bool) -> [String] {
        var left: [String] = []
        if tunPresent { left.append("the tun \(tun)") }
        let old = Set(before.routes)
        left += after.routes.filter { !old.contains($0) }.map(\.description)
        if let original = before.resolvConf, after.resolvConf != original {
            let added = Set((after.resolvConf ?? "").split(separator: "\n")).subtracting(original.split(separator: "\n"))
            left.append("/etc/resolv.conf changed" + (added.isEmpty ? "" : " (\(added.sorted().joined(separator: "; ")))"))
        }
        return left
    }

    /// Routes added since `before` (what a cleanup deletes).
    public static func addedRoutes(before: NetworkSnapshot, after: NetworkSnapshot) -> [Route] {
        let old = Set(before.routes)
        return after.routes.filter { !old.contains($0) }
    }
}
