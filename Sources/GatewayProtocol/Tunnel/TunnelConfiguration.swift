/// What the gateway's CONNECT reply configures (protocol.md §3.2), typed. Header names are compared without case.
public struct TunnelConfiguration: Sendable, Equatable {
    public var ipv4Address: String?
    public var ipv4Netmask: String?
    /// `addr/prefix`.
    public var ipv6Address: String?
    public var dns: [String] = []
    public var nbns: [String] = []
    public var defaultDomain: String?
    public var splitDNS: [String] = []
    public var splitInclude: [IPv4Network] = []
    public var splitExclude: [IPv4Network] = []
    public var splitInclude6: [String] = []
    public var splitExclude6: [String] = []
    public var tunnelAllDNS: Bool?
    public var banner: String?
    public var mtu: Int?
    public var baseMTU: Int?
    public var dpd: Int?
    public var keepalive: Int?
    public var rekeyTime: Int?
    public var rekeyMethod: String?
    /// nil: none.
    public var idleTimeout: Int?
    public var sessionTimeout: Int?
    public var serverName: String?
    public var proxyPAC: String?
    /// `X-CSTP-DynDNS: true`: the gateway's address may change, so a reconnect resolves its name again instead of
    /// holding the address first reached (openconnect ssl.c:connect_https_socket, cstp.c).
    public var dynDNS = false
    public var dtls = DTLSParameters()
    /// Every `X-CSTP-*` header as `Name=value`, for the script's CISCO_CSTP_OPTIONS.
    public var cstpOptions: [String] = []
    /// Values the gateway sent that failed their type check and were dropped (issue 13, item 6), in words. A
    /// malformed number (a timer, an MTU) is dropped the same way: one odd header from a gateway should not cost
    /// the whole tunnel, as ASAs send one header per split-tunnel ACL entry (issue 10, item 12).
    public var warnings: [String] = []

    public init() {}

    /// Whether IPv6 traffic goes around the tunnel: all IPv4 is tunnelled (no split include) but the gateway gave
    /// no IPv6 address, so the host's IPv6 routes stay as they were and IPv6 traffic leaves outside the VPN.
    public var ipv6BypassesFullTunnel: Bool {
        ipv4Address != nil && splitInclude.isEmpty && ipv6Address == nil
    }

    public struct DTLSParameters: Sendable, Equatable {
        public var port: Int?
        public var sessionID: String?
        public var appID: String?
        public var cipherSuite: String?
        public var dtls12CipherSuite: String?
        public var mtu: Int?
        public var dpd: Int?
        public var keepalive: Int?
        public var rekeyTime: Int?
        public var rekeyMethod: String?
        public init() {}
    }

    /// Reads the reply headers. Unknown headers are kept in `cstpOptions` only. Every value is checked by its type
    /// (addresses, netmasks, routes, domain names; free text stripped of control characters): one that fails is
    /// dropped with a line in `warnings`, so nothing unchecked reaches the vpnc-script (issue 13, item 6). Only a
    /// reply without any address is an error.
    public init(headers: HTTPHeaders) throws(TunnelConfigurationError) {
        self.init()
        for (rawName, rawValue) in headers {
            let name = rawName.lowercased()
            let value = rawValue.trimmingSpaces
            // X-CSTP-Post-Auth-XML carries an ASA's session token: never into the script's environment.
            if name.hasPrefix("x-cstp-"), !HeaderRedaction.isSecret(name) {
                cstpOptions.append(GatewayText.printable("\(rawName)=\(value)"))
            }
            func drop(_ what: String) {
                warnings.append("ignored \(GatewayText.printable(rawName)): '\(GatewayText.printable(String(value.prefix(60))))' is not \(what)")
            }
            func address(_ check: (String) -> Bool, _ what: String) -> String? {
                if check(value) { return value }
                drop(what)
                return nil
            }
            switch name {
            case "x-cstp-address":
                if value.contains(":") {
                    if ipv6Address == nil { ipv6Address = address(GatewayText.isIPv6Network, "an IPv6 address") }
                } else if let v4 = address(GatewayText.isIPv4Address, "an IPv4 address") {
                    ipv4Address = v4
                }
            case "x-cstp-netmask":
                if value.contains(":") {
                    if let v6 = address(GatewayText.isIPv6Network, "an IPv6 address/prefix") { ipv6Address = v6 }
                } else if let mask = IPv4Network.parseAddress(value), IPv4Network.prefixLength(ofMask: mask) != nil {
                    ipv4Netmask = value
                } else {
                    drop("a contiguous IPv4 netmask")
                }
            case "x-cstp-address-ip6":
                if let v6 = address(GatewayText.isIPv6Network, "an IPv6 address/prefix") { ipv6Address = v6 }
            case "x-cstp-dns", "x-cstp-dns-ip6":
                if let server = address(GatewayText.isIPAddress, "an IP address"), dns.count < 3 { dns.append(server) }
            case "x-cstp-nbns":
                if let server = address(GatewayText.isIPv4Address, "an IPv4 address"), nbns.count < 3 { nbns.append(server) }
            case "x-cstp-default-domain":
                // ASA may send several, space-separated (openconnect passes them on as the resolv.conf search list).
                let names = value.split(separator: " ").map(String.init)
                if !names.isEmpty, names.allSatisfy(GatewayText.isDomainName) {
                    defaultDomain = names.joined(separator: " ")
                } else {
                    drop("a domain name")
                }
            case "x-cstp-split-dns":
                for part in value.split(separator: ",").map({ String($0).trimmingSpaces }) where !part.isEmpty {
                    if GatewayText.isDomainName(part) { splitDNS.append(part) } else { drop("a list of domain names") }
                }
            case "x-cstp-split-include":
                if let net = IPv4Network(parsing: value) { splitInclude.append(net) } else { drop("an IPv4 route (addr/mask)") }
            case "x-cstp-split-exclude":
                if let net = IPv4Network(parsing: value) { splitExclude.append(net) } else { drop("an IPv4 route (addr/mask)") }
            case "x-cstp-split-include-ip6":
                if let route = address(GatewayText.isIPv6Network, "an IPv6 route (addr/prefix)") { splitInclude6.append(route) }
            case "x-cstp-split-exclude-ip6":
                if let route = address(GatewayText.isIPv6Network, "an IPv6 route (addr/prefix)") { splitExclude6.append(route) }
            case "x-cstp-tunnel-all-dns": tunnelAllDNS = value.lowercased() == "true"
            case "x-cstp-banner":
                banner = GatewayText.printable(FormEncoding.percentDecode(value), keepNewlines: true)
            case "x-cstp-mtu": mtu = number(value, rawName) ?? mtu
            case "x-cstp-base-mtu": baseMTU = number(value, rawName) ?? baseMTU
            case "x-cstp-dpd": dpd = number(value, rawName) ?? dpd
            case "x-cstp-keepalive": keepalive = number(value, rawName) ?? keepalive
            case "x-cstp-rekey-time": rekeyTime = number(value, rawName) ?? rekeyTime
            case "x-cstp-rekey-method": rekeyMethod = GatewayText.printable(value)
            case "x-cstp-idle-timeout": idleTimeout = value.lowercased() == "none" ? nil : number(value, rawName)
            case "x-cstp-session-timeout":
                let seconds = value.lowercased() == "none" ? 0 : number(value, rawName)
                sessionTimeout = seconds == 0 ? nil : seconds
            case "x-cstp-server-name": serverName = GatewayText.printable(value)
            case "x-cstp-dyndns": dynDNS = value.lowercased() == "true"
            case "x-cstp-msie-proxy-pac-url":
                if GatewayText.isPrintable(value), !value.contains(" "), !value.isEmpty { proxyPAC = value } else { drop("a URL") }
            case "x-dtls-port": dtls.port = number(value, rawName) ?? dtls.port
            case "x-dtls-session-id": dtls.sessionID = GatewayText.printable(value)
            case "x-dtls-app-id": dtls.appID = GatewayText.printable(value)
            case "x-dtls-ciphersuite": dtls.cipherSuite = GatewayText.printable(value)
            case "x-dtls12-ciphersuite": dtls.dtls12CipherSuite = GatewayText.printable(value)
            case "x-dtls-mtu": dtls.mtu = number(value, rawName) ?? dtls.mtu
            case "x-dtls-dpd": dtls.dpd = number(value, rawName) ?? dtls.dpd
            case "x-dtls-keepalive": dtls.keepalive = number(value, rawName) ?? dtls.keepalive
            case "x-dtls-rekey-time": dtls.rekeyTime = number(value, rawName) ?? dtls.rekeyTime
            case "x-dtls-rekey-method": dtls.rekeyMethod = GatewayText.printable(value)
            default: break
            }
        }
        guard ipv4Address != nil || ipv6Address != nil else { throw .noAddress }
        // An MTU outside what IP allows would end in a tun device that carries nothing; the computed one is used.
        if let value = mtu, !(576...65535).contains(value) {
            warnings.append("ignored X-CSTP-MTU \(value): outside 576-65535")
            mtu = nil
        }
        if let value = baseMTU, !(576...65535).contains(value) {
            warnings.append("ignored X-CSTP-Base-MTU \(value): outside 576-65535")
            baseMTU = nil
        }
        if let value = dtls.mtu, !(576...65535).contains(value) {
            warnings.append("ignored X-DTLS-MTU \(value): outside 576-65535")
            dtls.mtu = nil
        }
        if let port = dtls.port, !(1...65535).contains(port) {
            warnings.append("ignored X-DTLS-Port \(port): not a port; no DTLS")
            dtls.port = nil
        }
        if warnings.count > Self.maxWarnings {
            let more = warnings.count - Self.maxWarnings
            warnings = Array(warnings.prefix(Self.maxWarnings)) + ["and \(more) more odd values, skipped as well"]
        }
    }

    /// Enough to see what the gateway got wrong; not one line per entry of a 5000-line ACL.
    public static let maxWarnings = 20

    /// The shortest rekey interval honoured: anything below is raised to it, so a gateway cannot make the client
    /// reconnect in a loop (issue 13, item 12). (ocserv accepts any rekey-time; its default is two days.)
    public static let minimumRekeySeconds = 20

    /// Seconds until a new tunnel is due, for the rekey methods done as a new tunnel (`ssl`, `new-tunnel`; protocol.md
    /// §5.2); nil for none. `X-CSTP-Rekey-Time: 0` means no rekey, not "rekey at once".
    public var rekeyInterval: Int? {
        guard let method = rekeyMethod, ["ssl", "new-tunnel"].contains(method), let time = rekeyTime, time > 0 else { return nil }
        return max(time, Self.minimumRekeySeconds)
    }

    /// The IPv4 netmask as a prefix length, when it is a valid contiguous mask.
    public var ipv4PrefixLength: Int? {
        ipv4Netmask.flatMap(IPv4Network.parseAddress).flatMap(IPv4Network.prefixLength(ofMask:))
    }

    /// A non-negative number of at most nine digits (timers in seconds, MTUs, ports), or nil and a warning.
    private mutating func number(_ value: String, _ name: String) -> Int? {
        let text = value.trimmingSpaces
        guard text.count <= 9, let number = Int(text), number >= 0 else {
            warnings.append("ignored \(GatewayText.printable(name)): '\(GatewayText.printable(String(value.prefix(60))))' "
                            + "is not a number of seconds or bytes")
            return nil
        }
        return number
    }
}

public enum TunnelConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    case noAddress
    case badRoute(String)
    case badValue(String, String)

    public var description: String {
        switch self {
        case .noAddress: return "the gateway's CONNECT reply assigns no address (no X-CSTP-Address)"
        case .badRoute(let value): return "the gateway sent a route that is not addr/mask: '\(value.prefix(60))'"
        case .badValue(let name, let value): return "the gateway sent \(name): '\(value.prefix(40))', not a valid number"
        }
    }
}
