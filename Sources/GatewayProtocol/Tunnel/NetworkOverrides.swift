/// The user's own split tunnel and DNS for one saved gateway (issue 14, item 4), applied on top of what the gateway
/// pushed, through the vpnc-script environment (protocol.md §7):
/// - `include`: networks sent through the tunnel as well. Under a full tunnel they already are; under a split
///   tunnel they join the pushed list (CISCO_SPLIT_INC / CISCO_IPV6_SPLIT_INC).
/// - `exclude`: networks kept out: a pushed include equal to one is dropped, and every one is listed as an
///   exclude (CISCO_SPLIT_EXC / CISCO_IPV6_SPLIT_EXC), so the script routes it outside the tunnel.
/// - `dnsDomains`: "only these domains through the VPN's DNS" (what vpn-slice users want): they become the split
///   DNS list (CISCO_SPLIT_DNS), which vpnc-script hands to systemd-resolved as per-link routing domains, and the
///   gateway's default domain is not made the search domain.
public struct NetworkOverrides: Sendable, Equatable, Codable {
    public var include: [String]
    public var exclude: [String]
    public var dnsDomains: [String]

    public init(include: [String] = [], exclude: [String] = [], dnsDomains: [String] = []) {
        self.include = include
        self.exclude = exclude
        self.dnsDomains = dnsDomains
    }

    public var isEmpty: Bool { include.isEmpty && exclude.isEmpty && dnsDomains.isEmpty }

    /// Why a value the user typed is refused, or nil: a route is `addr/prefix` (IPv4 also `addr/mask`), a domain
    /// a DNS name.
    public static func routeProblem(_ text: String) -> String? {
        if IPv4Network(parsing: text) != nil && text.contains("/") { return nil }
        if text.contains(":") && GatewayText.isIPv6Network(text) { return nil }
        return "'\(GatewayText.printable(String(text.prefix(80))))' is not a network: write it as 10.1.0.0/16 or 2001:db8::/48"
    }

    public static func domainProblem(_ text: String) -> String? {
        GatewayText.isDomainName(text) ? nil
            : "'\(GatewayText.printable(String(text.prefix(80))))' is not a domain name: write it as corp.example.com"
    }

    /// The configuration the script sees: the gateway's, with these overrides applied.
    public func applied(to pushed: TunnelConfiguration) -> TunnelConfiguration {
        var result = pushed
        let exclude4 = exclude.compactMap { $0.contains(":") ? nil : IPv4Network(parsing: $0) }
        let exclude6 = exclude.filter { $0.contains(":") }.map(Self.normalized6)
        let include4 = include.compactMap { $0.contains(":") ? nil : IPv4Network(parsing: $0) }
        let include6 = include.filter { $0.contains(":") }.map(Self.normalized6)
        if !pushed.splitInclude.isEmpty {
            for route in include4 where !result.splitInclude.contains(route) { result.splitInclude.append(route) }
        }
        if !pushed.splitInclude6.isEmpty {
            for route in include6 where !result.splitInclude6.map(Self.normalized6).contains(route) { result.splitInclude6.append(route) }
        }
        result.splitInclude.removeAll { exclude4.contains($0) }
        if !pushed.splitInclude.isEmpty, result.splitInclude.isEmpty, let own = pushed.ipv4Address.flatMap(IPv4Network.parseAddress) {
            // Every pushed include excluded: an empty list would read as a full tunnel, so only the tunnel's own
            // address stays routed through it.
            result.splitInclude = [IPv4Network(address: own, prefixLength: 32)]
        }
        result.splitInclude6.removeAll { exclude6.contains(Self.normalized6($0)) }
        for route in exclude4 where !result.splitExclude.contains(route) { result.splitExclude.append(route) }
        for route in exclude6 where !result.splitExclude6.map(Self.normalized6).contains(route) { result.splitExclude6.append(route) }
        if !dnsDomains.isEmpty {
            result.splitDNS = dnsDomains
            result.defaultDomain = nil
            result.tunnelAllDNS = false
        }
        return result
    }

    /// `addr` alone is a host (/128), lower-cased, so `2001:DB8::/48` and `2001:db8::/48` are one route.
    private static func normalized6(_ text: String) -> String {
        let lower = text.lowercased()
        return lower.contains("/") ? lower : lower + "/128"
    }
}
