/// What authentication produced: the session credential and everything later phases use.
public struct AuthResult: Sendable, Equatable {
    /// The `webvpn` cookie: the session credential. Never logged, stored or shown.
    public var cookie: Secret
    public var sessionID: String?
    /// Upper-case hex SHA-1 of the certificate the gateway believes it presented (protocol.md §6.5).
    public var serverCertHash: String?
    public var banner: String?
    public var message: String?
    /// `vpn-profile-manifest` items (phase 4 downloads these).
    public var profiles: [ManifestFile]
    /// `vpn-core-manifest` items: listed, never downloaded or run.
    public var corePackages: [ManifestFile]
    /// The groups the gateway offered and the one used.
    public var groupsOffered: [FormOption]
    public var group: FormOption?
    /// Whether the legacy (non aggregate-auth) flow was used.
    public var usedLegacyFlow: Bool

    public init(cookie: Secret, sessionID: String? = nil, serverCertHash: String? = nil, banner: String? = nil,
                message: String? = nil, profiles: [ManifestFile] = [], corePackages: [ManifestFile] = [],
                groupsOffered: [FormOption] = [], group: FormOption? = nil, usedLegacyFlow: Bool = false) {
        self.cookie = cookie
        self.sessionID = sessionID
        self.serverCertHash = serverCertHash
        self.banner = banner
        self.message = message
        self.profiles = profiles
        self.corePackages = corePackages
        self.groupsOffered = groupsOffered
        self.group = group
        self.usedLegacyFlow = usedLegacyFlow
    }
}
