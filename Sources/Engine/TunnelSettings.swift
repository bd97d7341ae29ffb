import GatewayProtocol

/// How the tunnel is set up on this machine (the `connect` options beyond authentication).
public struct TunnelSettings: Sendable, Equatable, Codable {
    /// vpnc-script; the default is Debian's vpnc-scripts package.
    public var script: String
    /// tun name; nil lets the kernel choose.
    public var interface: String?
    /// Offer DTLS in the CONNECT request (`--no-dtls` turns it off).
    public var offerDTLS: Bool
    public var dtlsMode: DTLSModePreference
    public var statsIntervalSeconds: Double
    /// `--reconnect-timeout`: how long to keep trying to bring a lost tunnel back.
    public var reconnectTimeoutSeconds: Int
    /// How long one run of the vpnc-script may take before its process group is killed (issue 13, item 13).
    public var scriptTimeoutSeconds: Double = 30
    /// Ask the gateway for IPv6 inside the tunnel too, as openconnect does (`--disable-ipv6` turns it off).
    public var ipv6 = true
    /// The saved gateway's own split tunnel and DNS (issue 14, item 4), applied to what the gateway pushes.
    public var overrides = NetworkOverrides()
    /// Where the session's state file and locks go (`swiftgate cleanup` reads them); nil: none written.
    public var runtimeDirectory: String?

    public init(script: String = "/usr/share/vpnc-scripts/vpnc-script", interface: String? = nil, offerDTLS: Bool = true,
                dtlsMode: DTLSModePreference = .auto, statsIntervalSeconds: Double = 5,
                reconnectTimeoutSeconds: Int = 300, scriptTimeoutSeconds: Double = 30, runtimeDirectory: String? = nil) {
        self.scriptTimeoutSeconds = scriptTimeoutSeconds
        self.runtimeDirectory = runtimeDirectory
        self.script = script
        self.interface = interface
        self.offerDTLS = offerDTLS
        self.dtlsMode = dtlsMode
        self.reconnectTimeoutSeconds = reconnectTimeoutSeconds
        self.statsIntervalSeconds = statsIntervalSeconds
    }
}
