/// What the authentication flow needs to know before the first request.
public struct AuthConfiguration: Sendable, Equatable {
    /// Newer ASA/FTD gateways refuse agents without "AnyConnect" (protocol.md §1.12). Like openconnect's
    /// (http.c `openconnect_create_useragent`), it carries the program's own version and does not change with
    /// `--os`; the version DAP sees is `ReportedIdentity.version`.
    public static let defaultUserAgent = "AnyConnect-compatible Swiftgate VPN Agent \(swiftgateVersion)"
    /// Swiftgate's own version (the User-Agent only; `<version who="vpn">` says `ReportedIdentity.version`).
    public static let swiftgateVersion = "v0.1.0"

    public var url: GatewayURL
    public var userAgent: String
    /// `<version who="vpn">`, `device-id`, `X-AnyConnect-Platform` (protocol.md §1.2, §1.3).
    public var identity: ReportedIdentity
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

    public init(url: GatewayURL, userAgent: String = AuthConfiguration.defaultUserAgent,
                identity: ReportedIdentity = ReportedIdentity(),
                group: String? = nil, maxGroupReposts: Int = 5, maxRedirects: Int = 5, maxForms: Int = 16) {
        self.url = url
        self.userAgent = userAgent
        self.identity = identity
        self.group = group
        self.maxGroupReposts = maxGroupReposts
        self.maxRedirects = maxRedirects
        self.maxForms = maxForms
    }
}
