/// An item of `vpn-profile-manifest` or `vpn-core-manifest` in the success reply (protocol.md §1.9).
public struct ManifestFile: Sendable, Equatable, Codable {
    public var type: String
    public var serviceType: String?
    public var uri: String
    public var hashAlgorithm: String?
    /// Upper-case hex as the gateway sends it.
    public var hash: String?

    public init(type: String, serviceType: String? = nil, uri: String, hashAlgorithm: String? = nil,
                hash: String? = nil) {
        self.type = type
        self.serviceType = serviceType
        self.uri = uri
        self.hashAlgorithm = hashAlgorithm
        self.hash = hash
    }

    /// The VPN profile among a manifest's files: the one with `service-type="user"` (or none given, as ocserv
    /// sends). Module profiles (NAM, web security, posture…) are for other AnyConnect modules: never mandatory,
    /// never downloaded (issue 10).
    public static func vpnProfile(in files: [ManifestFile]) -> ManifestFile? {
        files.first { ($0.type == "profile" || $0.type.isEmpty) && ($0.serviceType ?? "user") == "user" }
    }

    /// The profiles of other modules, listed for the person and skipped.
    public static func moduleProfiles(in files: [ManifestFile]) -> [ManifestFile] {
        files.filter { ($0.serviceType ?? "user") != "user" }
    }
}
