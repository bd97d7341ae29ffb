/// One saved gateway as the gateways screen shows it; the executable builds these from the store.
public struct GatewaySummary: Sendable, Equatable {
    public var name: String
    /// Up now in the service (issue 15): another connection than the one on screen, or this one.
    public var isUp = false
    public var url: String
    public var host: String
    public var lastResult: LastResult?
    public var trust: TrustState
    /// The groups the gateway offered last time.
    public var aliases: [GatewayAlias]
    /// The group Swiftgate selects (the user's choice, else the gateway's default).
    public var defaultGroup: String?
    /// The pins trusted for the gateway's host:port.
    public var pins: [String]
    /// Where the gateway came from when imported: e.g. "profile corp.xml from vpn.example.com".
    public var profileOrigin: String?
    /// "manual" or "profile".
    public var source: String

    public init(name: String, url: String, host: String, lastResult: LastResult? = nil, trust: TrustState = .none,
                aliases: [GatewayAlias] = [], defaultGroup: String? = nil, pins: [String] = [],
                profileOrigin: String? = nil, source: String = "manual") {
        self.name = name
        self.url = url
        self.host = host
        self.lastResult = lastResult
        self.trust = trust
        self.aliases = aliases
        self.defaultGroup = defaultGroup
        self.pins = pins
        self.profileOrigin = profileOrigin
        self.source = source
    }

    /// Whether a filter text (case-insensitive) finds this gateway by name, host, URL or group.
    public func matches(_ filter: String) -> Bool {
        let needle = filter.lowercased()
        guard !needle.isEmpty else { return true }
        return ([name, host, url] + aliases.flatMap { [$0.value, $0.label] }).contains { $0.lowercased().contains(needle) }
    }
}
