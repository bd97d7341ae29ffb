/// How to open and check a TLS connection to a gateway.
public struct TLSConfiguration: Sendable {
    /// Extra trust anchors (`--cafile`), PEM.
    public var caFile: String?
    /// Use the system trust store as well (the default).
    public var useSystemTrust: Bool
    public var connectTimeoutSeconds: Int
    /// Read and write timeout while authenticating; the data plane runs its own timers.
    public var ioTimeoutSeconds: Int
    /// A whole HTTP reply must arrive within this, however slowly its bytes trickle in (a gateway sending one
    /// byte at a time never resets it).
    public var responseDeadlineSeconds: Int = 60
    /// The client certificate to present when the gateway asks for one.
    public var identity: ClientIdentity?
    /// Which gateways may see `identity`; nil presents it to any (issue 13, item 8: the engine always sets it).
    public var identityTrust: IdentityTrust?

    public init(caFile: String? = nil, useSystemTrust: Bool = true, connectTimeoutSeconds: Int = 15,
                ioTimeoutSeconds: Int = 30) {
        self.caFile = caFile
        self.useSystemTrust = useSystemTrust
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.ioTimeoutSeconds = ioTimeoutSeconds
    }
}
