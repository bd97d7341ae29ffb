/// The vpnc-script environment of protocol.md §7, built from a tunnel configuration.
public struct ScriptEnvironment: Sendable, Equatable {
    public var variables: [String: String]

    public init(reason: String, configuration: TunnelConfiguration, tunDevice: String?, gatewayAddress: String,
                pid: Int32, mtu: Int) {
        var env: [String: String] = [
            "reason": reason,
            "VPNGATEWAY": gatewayAddress,
            "VPNPID": String(pid),
            "LOG_LEVEL": "0",
            "INTERNAL_IP4_MTU": String(mtu),
        ]
        if let tunDevice { env["TUNDEV"] = tunDevice }
        if let idle = configuration.idleTimeout { env["IDLE_TIMEOUT"] = String(idle) }
        if let address = configuration.ipv4Address {
            env["INTERNAL_IP4_ADDRESS"] = address
            if let mask = configuration.ipv4Netmask, let prefix = configuration.ipv4PrefixLength,
               let value = IPv4Network.parseAddress(address) {
                env["INTERNAL_IP4_NETMASK"] = mask
                env["INTERNAL_IP4_NETMASKLEN"] = String(prefix)
                env["INTERNAL_IP4_NETADDR"] = IPv4Network(address: value, prefixLength: prefix).addressText
            }
        }
        if let v6 = configuration.ipv6Address {
            env["INTERNAL_IP6_NETMASK"] = v6
            env["INTERNAL_IP6_ADDRESS"] = String(v6.split(separator: "/").first ?? "")
        }
        // openconnect passes IPv6 servers in INTERNAL_IP4_DNS too, space-separated, at most 3 (§7).
        if !configuration.dns.isEmpty { env["INTERNAL_IP4_DNS"] = configuration.dns.joined(separator: " ") }
        if !configuration.nbns.isEmpty { env["INTERNAL_IP4_NBNS"] = configuration.nbns.joined(separator: " ") }
        if let domain = configuration.defaultDomain { env["CISCO_DEF_DOMAIN"] = domain }
        if let banner = configuration.banner { env["CISCO_BANNER"] = banner }
        if !configuration.splitDNS.isEmpty { env["CISCO_SPLIT_DNS"] = configuration.splitDNS.joined(separator: ",") }
        if let pac = configuration.proxyPAC { env["CISCO_PROXY_PAC"] = pac }
        if !configuration.cstpOptions.isEmpty { env["CISCO_CSTP_OPTIONS"] = Self.bounded(configuration.cstpOptions) }
        Self.addRoutes(configuration.splitInclude, prefix: "CISCO_SPLIT_INC", into: &env)
        Self.addRoutes(configuration.splitExclude, prefix: "CISCO_SPLIT_EXC", into: &env)
        Self.addRoutes6(configuration.splitInclude6, prefix: "CISCO_IPV6_SPLIT_INC", into: &env)
        Self.addRoutes6(configuration.splitExclude6, prefix: "CISCO_IPV6_SPLIT_EXC", into: &env)
        variables = env
    }

    /// Linux refuses to exec with one environment string over 128 KiB (MAX_ARG_STRLEN), and an ASA's reply may
    /// carry thousands of split-tunnel headers: the script would not run at all. The routes have their own
    /// variables, so the list of raw headers stops (at a whole line) short of the limit.
    static let maxOptionsBytes = 96 * 1024

    static func bounded(_ options: [String]) -> String {
        var text = ""
        for option in options {
            let added = (text.isEmpty ? 0 : 1) + option.utf8.count
            if text.utf8.count + added > maxOptionsBytes { break }
            if !text.isEmpty { text += "\n" }
            text += option
        }
        return text
    }

    private static func addRoutes(_ routes: [IPv4Network], prefix: String, into env: inout [String: String]) {
        guard !routes.isEmpty else { return }  // unset when none: no INC means a full tunnel
        env[prefix] = String(routes.count)
        for (index, route) in routes.enumerated() {
            env["\(prefix)_\(index)_ADDR"] = route.addressText
            env["\(prefix)_\(index)_MASK"] = route.netmaskText
            env["\(prefix)_\(index)_MASKLEN"] = String(route.prefixLength)
        }
    }

    private static func addRoutes6(_ routes: [String], prefix: String, into env: inout [String: String]) {
        guard !routes.isEmpty else { return }
        env[prefix] = String(routes.count)
        for (index, route) in routes.enumerated() {
            let parts = route.split(separator: "/", maxSplits: 1)
            env["\(prefix)_\(index)_ADDR"] = String(parts.first ?? "")
            env["\(prefix)_\(index)_MASKLEN"] = parts.count == 2 ? String(parts[1]) : "128"
        }
    }
}
