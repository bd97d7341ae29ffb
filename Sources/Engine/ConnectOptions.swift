import Glibc
import GatewayProtocol
import Logging
import SecureChannel

/// Everything one connection attempt is told by its caller.
public struct ConnectOptions: Sendable {
    public var url: GatewayURL
    public var group: String?
    public var userAgent: String
    /// What the gateway is told about this client (`--version-string`, `--os`, `--local-hostname`).
    public var reportedIdentity = ReportedIdentity(hostname: ReportedIdentity.usableHostname(ConnectOptions.systemHostname()))
    public var tls: TLSConfiguration
    /// `--servercert`: when given, the certificate must match one of these, valid or not (as openconnect).
    public var serverPins: [String]
    /// The saved gateway this attempt belongs to (key for its profile and groups), if any.
    public var gatewayName: String?
    /// `--certificate` / `--key`: the client identity offered when the gateway asks for one (PEM with its
    /// intermediates, or PKCS#12).
    public var clientCertificate: String?
    public var clientKey: String?
    /// `--key-password`: the passphrase of the key or of the PKCS#12 file; nil: asked when needed.
    public var clientKeyPassword: Secret?
    public var store: (any SessionStore)?
    /// The gateway's TCP connection, opened while the command started up; the first handshake takes it.
    public var preconnect: TCPPreconnect?
    /// How long a login reply may take to start: a RADIUS push or a Duo approval holds the password POST until
    /// the person approves on a phone (issue 10). `--auth-timeout`, or the profile's AuthenticationTimeout.
    public var authTimeoutSeconds = 300
    /// `group` is the saved default group: a value this gateway offered before, sent in the first init.
    public var groupIsSavedValue = false
    /// `--external-browser CMD`: what opens the SSO login URL in external-browser mode (else $BROWSER, xdg-open).
    public var externalBrowser: String?
    /// `--sso-browser PATH`: the Chromium driven in embedded mode.
    public var ssoBrowser: String?
    /// `--sso-headless`: the embedded browser without a window (an IdP that needs no person, and tests).
    public var ssoHeadless = false
    /// Embedded-mode SSO may start Chromium here: not in the service for an unprivileged user (issue 15).
    public var embeddedBrowserAllowed = true
    /// The external-browser callback port (Cisco's fixed 29786).
    public var ssoCallbackPort = SSOCallbackListener.defaultPort
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

    /// The kernel's host name (uname's nodename), or nil.
    public static func systemHostname() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
