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
    /// Values that were skipped because they made no sense (a route that is not addr/mask, a timer that is not a
    /// number), in words for a warning. One odd header from a gateway should not cost the whole tunnel: ASAs
    /// send one header per split-tunnel ACL entry, and openconnect also skips what it cannot parse (cstp.c).
    public var warnings: [String] = []

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

    /// Reads the reply headers. Unknown headers are kept in `cstpOptions` only; a malformed route or number is
    /// skipped and described in `warnings`. Only a reply with no address at all is an error.
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
                if let net = route(value, rawName) { splitInclude.append(net) }
            case "x-cstp-split-exclude":
                if let net = route(value, rawName) { splitExclude.append(net) }
            case "x-cstp-split-include-ip6": if let route = route6(value, rawName) { splitInclude6.append(route) }
            case "x-cstp-split-exclude-ip6": if let route = route6(value, rawName) { splitExclude6.append(route) }
            case "x-cstp-tunnel-all-dns": tunnelAllDNS = value.lowercased() == "true"
            case "x-cstp-banner": banner = FormEncoding.percentDecode(value)
            case "x-cstp-mtu": mtu = number(value, rawName) ?? mtu
            case "x-cstp-base-mtu": baseMTU = number(value, rawName) ?? baseMTU
            case "x-cstp-dpd": dpd = number(value, rawName) ?? dpd
            case "x-cstp-keepalive": keepalive = number(value, rawName) ?? keepalive
            case "x-cstp-rekey-time": rekeyTime = number(value, rawName) ?? rekeyTime
            case "x-cstp-rekey-method": rekeyMethod = value
            case "x-cstp-idle-timeout": idleTimeout = value.lowercased() == "none" ? nil : number(value, rawName)
            case "x-cstp-session-timeout":
                let seconds = value.lowercased() == "none" ? 0 : number(value, rawName)
                sessionTimeout = seconds == 0 ? nil : seconds
            case "x-cstp-server-name": serverName = value
            case "x-cstp-msie-proxy-pac-url": proxyPAC = value
            case "x-dtls-port": dtls.port = number(value, rawName) ?? dtls.port
            case "x-dtls-session-id": dtls.sessionID = value
            case "x-dtls-app-id": dtls.appID = value
            case "x-dtls-ciphersuite": dtls.cipherSuite = value
            case "x-dtls12-ciphersuite": dtls.dtls12CipherSuite = value
            case "x-dtls-mtu": dtls.mtu = number(value, rawName) ?? dtls.mtu
            case "x-dtls-dpd": dtls.dpd = number(value, rawName) ?? dtls.dpd
            case "x-dtls-keepalive": dtls.keepalive = number(value, rawName) ?? dtls.keepalive
            case "x-dtls-rekey-time": dtls.rekeyTime = number(value, rawName) ?? dtls.rekeyTime
            case "x-dtls-rekey-method": dtls.rekeyMethod = value
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

    /// The IPv4 netmask as a prefix length, when it is a valid contiguous mask.
    public var ipv4PrefixLength: Int? {
        ipv4Netmask.flatMap(IPv4Network.parseAddress).flatMap(IPv4Network.prefixLength(ofMask:))
    }

    /// A non-negative number of at most nine digits (timers in seconds, MTUs, ports), or nil and a warning.
    private mutating func number(_ value: String, _ name: String) -> Int? {
        let text = value.trimmingSpaces
        guard text.count <= 9, let number = Int(text), number >= 0 else {
            warnings.append("ignored \(name) '\(Self.shown(value))': not a number of seconds or bytes")
            return nil
        }
        return number
    }

    private mutating func route(_ value: String, _ name: String) -> IPv4Network? {
        guard let net = IPv4Network(parsing: value) else {
            warnings.append("ignored \(name) '\(Self.shown(value))': not addr/mask")
            return nil
        }
        return net
    }

    /// An IPv6 route, `addr/prefix` (or a bare address): it reaches the vpnc-script, which passes it unquoted to
    /// `ip route`, so only hex digits, ':' and '.' in the address and a prefix of 0-128 get through.
    private mutating func route6(_ value: String, _ name: String) -> String? {
        let text = value.trimmingSpaces
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let address = parts[0]
        let validAddress = (2...45).contains(address.count) && address.contains(":")
            && address.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        let validPrefix = parts.count == 1 || (parts[1].count <= 3 && Int(parts[1]).map { (0...128).contains($0) } == true)
        guard validAddress, validPrefix else {
            warnings.append("ignored \(name) '\(Self.shown(value))': not an IPv6 addr/prefix")
            return nil
        }
        return text
    }

    /// A gateway's value as it may appear in a warning: short, and with no control characters.
    static func shown(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.prefix(60).map {
            $0.properties.generalCategory == .control || $0.properties.generalCategory == .format ? "?" : $0
        }))
    }
}

public enum TunnelConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    case noAddress

    public var description: String {
        switch self {
        case .noAddress: return "the gateway's CONNECT reply assigns no address (no X-CSTP-Address)"
        }
    }
}
