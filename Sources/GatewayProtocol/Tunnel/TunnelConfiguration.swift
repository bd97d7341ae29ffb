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
    public var dtls = DTLSParameters()
    /// Every `X-CSTP-*` header as `Name=value`, for the script's CISCO_CSTP_OPTIONS.
    public var cstpOptions: [String] = []

    public init() {}

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

    /// Reads the reply headers. Unknown headers are kept in `cstpOptions` only; malformed routes are reported.
    public init(headers: HTTPHeaders) throws(TunnelConfigurationError) {
        self.init()
        for (rawName, value) in headers {
            let name = rawName.lowercased()
            if name.hasPrefix("x-cstp-") { cstpOptions.append("\(rawName)=\(value)") }
            switch name {
            case "x-cstp-address":
                if value.contains(":") { ipv6Address = ipv6Address ?? value } else { ipv4Address = value }
            case "x-cstp-netmask":
                if value.contains(":") { ipv6Address = value } else { ipv4Netmask = value }
            case "x-cstp-address-ip6": ipv6Address = value
            case "x-cstp-dns", "x-cstp-dns-ip6": if dns.count < 3 { dns.append(value) }
            case "x-cstp-nbns": nbns.append(value)
            case "x-cstp-default-domain": defaultDomain = value
            case "x-cstp-split-dns": splitDNS.append(value)
            case "x-cstp-split-include":
                guard let net = IPv4Network(parsing: value) else { throw .badRoute(value) }
                splitInclude.append(net)
            case "x-cstp-split-exclude":
                guard let net = IPv4Network(parsing: value) else { throw .badRoute(value) }
                splitExclude.append(net)
            case "x-cstp-split-include-ip6": splitInclude6.append(value)
            case "x-cstp-split-exclude-ip6": splitExclude6.append(value)
            case "x-cstp-tunnel-all-dns": tunnelAllDNS = value.lowercased() == "true"
            case "x-cstp-banner": banner = FormEncoding.percentDecode(value)
            case "x-cstp-mtu": mtu = try Self.number(value, rawName)
            case "x-cstp-base-mtu": baseMTU = try Self.number(value, rawName)
            case "x-cstp-dpd": dpd = try Self.number(value, rawName)
            case "x-cstp-keepalive": keepalive = try Self.number(value, rawName)
            case "x-cstp-rekey-time": rekeyTime = try Self.number(value, rawName)
            case "x-cstp-rekey-method": rekeyMethod = value
            case "x-cstp-idle-timeout": idleTimeout = value.lowercased() == "none" ? nil : try Self.number(value, rawName)
            case "x-cstp-session-timeout":
                let seconds = value.lowercased() == "none" ? 0 : try Self.number(value, rawName)
                sessionTimeout = seconds == 0 ? nil : seconds
            case "x-cstp-server-name": serverName = value
            case "x-cstp-msie-proxy-pac-url": proxyPAC = value
            case "x-dtls-port": dtls.port = try Self.number(value, rawName)
            case "x-dtls-session-id": dtls.sessionID = value
            case "x-dtls-app-id": dtls.appID = value
            case "x-dtls-ciphersuite": dtls.cipherSuite = value
            case "x-dtls12-ciphersuite": dtls.dtls12CipherSuite = value
            case "x-dtls-mtu": dtls.mtu = try Self.number(value, rawName)
            case "x-dtls-dpd": dtls.dpd = try Self.number(value, rawName)
            case "x-dtls-keepalive": dtls.keepalive = try Self.number(value, rawName)
            case "x-dtls-rekey-time": dtls.rekeyTime = try Self.number(value, rawName)
            case "x-dtls-rekey-method": dtls.rekeyMethod = value
            default: break
            }
        }
        guard ipv4Address != nil || ipv6Address != nil else { throw .noAddress }
        if let mtu, !(576...65535).contains(mtu) { throw .badValue("X-CSTP-MTU", String(mtu)) }
    }

    /// The IPv4 netmask as a prefix length, when it is a valid contiguous mask.
    public var ipv4PrefixLength: Int? {
        ipv4Netmask.flatMap(IPv4Network.parseAddress).flatMap(IPv4Network.prefixLength(ofMask:))
    }

    private static func number(_ value: String, _ name: String) throws(TunnelConfigurationError) -> Int {
        guard let number = Int(value.trimmingSpaces), number >= 0 else { throw .badValue(name, value) }
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
