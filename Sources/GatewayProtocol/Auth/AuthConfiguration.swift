/// What the authentication flow needs to know before the first request.
public struct AuthConfiguration: Sendable, Equatable {
    /// Newer ASA/FTD gateways refuse agents without "AnyConnect" (protocol.md §1.12).
    public static let defaultUserAgent = "AnyConnect-compatible Swiftgate VPN Agent \(clientVersion)"
    public static let clientVersion = "v0.1.0"

    public var url: GatewayURL
    public var userAgent: String
    /// `device-id` (protocol.md §1.3).
    public var deviceID: String
    /// `--group`: an option's value or its label.
    public var group: String?
    /// OpenConnect re-POSTs a group choice at most five times (protocol.md §1.5).
    public var maxGroupReposts: Int
    public var maxRedirects: Int
    public var maxForms: Int
    /// `group` is an option value this gateway offered before (the saved default group), safe to send in the
    /// first init.
    public var groupIsKnownValue = false
    /// `<capabilities><auth-method>`s advertised: only what the client can do (SSO v2, and the external-browser
    /// mode when it has STRAP keys).
    public var authMethods: [String] = ["single-sign-on-v2"]
    /// `X-AnyConnect-STRAP-Pubkey` / `-DH-Pubkey` header values of this login, when it has STRAP keys.
    public var strapPublicKey: String?
    public var strapDHPublicKey: String?
    /// `<client-cert-request/>` answered at most this often: without a certificate, with one, then stop.
    public var maxCertificateRequests = 3

    public init(url: GatewayURL, userAgent: String = AuthConfiguration.defaultUserAgent, deviceID: String = "linux-64",
                group: String? = nil, maxGroupReposts: Int = 5, maxRedirects: Int = 5, maxForms: Int = 16) {
        self.url = url
        self.userAgent = userAgent
        self.deviceID = deviceID
        self.group = group
        self.maxGroupReposts = maxGroupReposts
        self.maxRedirects = maxRedirects
        self.maxForms = maxForms
    }
}
