import GatewayProtocol
import Logging
import SecureChannel

/// Everything one connection attempt is told by its caller.
public struct ConnectOptions: Sendable {
    public var url: GatewayURL
    public var group: String?
    public var userAgent: String
    public var tls: TLSConfiguration
    /// `--servercert`: when given, the certificate must match one of these, valid or not (as openconnect).
    public var serverPins: [String]
    /// The saved gateway this attempt belongs to (key for its profile and groups), if any.
    public var gatewayName: String?
    /// `--certificate` / `--key` (PEM): the client identity offered when the gateway asks for one.
    public var clientCertificate: String?
    public var clientKey: String?
    public var store: (any SessionStore)?
    /// How long a login reply may take to start: a RADIUS push or a Duo approval holds the password POST until
    /// the person approves on a phone (issue 10). `--auth-timeout`, or the profile's AuthenticationTimeout.
    public var authTimeoutSeconds = 300
    /// `group` is the saved default group: a value this gateway offered before, sent in the first init.
    public var groupIsSavedValue = false
    /// Where the engine tells its story at debug level (HTTP exchanges, with every credential redacted).
    public var logger = Logger(label: "swiftgate.engine")

    public init(url: GatewayURL, group: String? = nil, userAgent: String = AuthConfiguration.defaultUserAgent,
                tls: TLSConfiguration = TLSConfiguration(), serverPins: [String] = [], gatewayName: String? = nil,
                store: (any SessionStore)? = nil) {
        self.url = url
        self.group = group
        self.userAgent = userAgent
        self.tls = tls
        self.serverPins = serverPins
        self.gatewayName = gatewayName
        self.store = store
    }
}
