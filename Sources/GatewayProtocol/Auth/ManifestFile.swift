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
}
