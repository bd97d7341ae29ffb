/// What a `type="complete"` / `auth id="success"` reply carries.
public struct AuthSuccess: Sendable, Equatable {
    /// ASA style: becomes the `webvpn` cookie when no Set-Cookie carried it.
    public var sessionToken: Secret?
    public var sessionID: String?
    /// Upper-case hex SHA-1 of the server certificate DER, when the gateway says it.
    public var serverCertHash: String?
    public var title: String?
    public var message: String?
    public var banner: String?
    public var profiles: [ManifestFile]
    public var corePackages: [ManifestFile]

    public init(sessionToken: Secret? = nil, sessionID: String? = nil, serverCertHash: String? = nil,
                title: String? = nil, message: String? = nil, banner: String? = nil,
                profiles: [ManifestFile] = [], corePackages: [ManifestFile] = []) {
        self.sessionToken = sessionToken
        self.sessionID = sessionID
        self.serverCertHash = serverCertHash
        self.title = title
        self.message = message
        self.banner = banner
        self.profiles = profiles
        self.corePackages = corePackages
    }
}
