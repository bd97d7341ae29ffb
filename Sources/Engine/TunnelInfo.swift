/// The tunnel as configured: what a `tunnel` event reports.
public struct TunnelInfo: Sendable, Equatable, Codable {
    public var interface: String
    public var address: String?
    public var netmask: String?
    public var ipv6Address: String?
    public var mtu: Int
    /// Split-include routes; empty means everything goes through the tunnel.
    public var routes: [String]
    public var excludedRoutes: [String]
    public var dns: [String]
    public var domain: String?
    public var banner: String?
    /// The user's overrides for this gateway (issue 14, item 4), shown beside what the gateway pushed.
    public var userIncluded: [String] = []
    public var userExcluded: [String] = []
    public var userDNSDomains: [String] = []
    /// X-CSTP-DPD and X-CSTP-Keepalive (seconds), nil when off; typed for front ends (issue 12, item 8).
    public var dpd: Int? = nil
    public var keepalive: Int? = nil
    /// The gateway's X-CSTP-MTU (`mtu` is the tun's).
    public var cstpMTU: Int? = nil
    /// The DTLS mode offered ("psk", "legacy", "dtls12"), nil without DTLS.
    public var dtlsMode: String? = nil
}

/// One data channel's state: what a `channel` event reports.
public struct ChannelInfo: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CodingKeyRepresentable { case tls, dtls }
    public enum State: String, Sendable, Codable { case connecting, up, backoff, down, failed, reconnecting }

    public var channel: Kind
    public var state: State
    public var protocolVersion: String?
    public var cipher: String?
    public var attempt: Int?
    public var nextInSeconds: Int?
    public var reason: String?

    public init(channel: Kind, state: State, protocolVersion: String? = nil, cipher: String? = nil,
                attempt: Int? = nil, nextInSeconds: Int? = nil, reason: String? = nil) {
        self.channel = channel
        self.state = state
        self.protocolVersion = protocolVersion
        self.cipher = cipher
        self.attempt = attempt
        self.nextInSeconds = nextInSeconds
        self.reason = reason
    }
}

/// Traffic counters, per channel.
public struct TrafficStats: Sendable, Equatable, Codable {
    public var channel: ChannelInfo.Kind
    public var bytesIn: Int
    public var bytesOut: Int
    public var packetsIn: Int
    public var packetsOut: Int
}
