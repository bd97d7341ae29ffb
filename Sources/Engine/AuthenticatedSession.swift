import GatewayProtocol

/// The outcome of phases 1-3: a session cookie for a gateway, and the certificate it was obtained under.
public struct AuthenticatedSession: Sendable, Equatable {
    public var url: GatewayURL
    public var result: AuthResult
    /// The certificate it was obtained under (nil for a cookie given by the caller).
    public var certificate: CertificateReport?
    /// The numeric address reached.
    public var remoteAddress: String

    public init(url: GatewayURL, result: AuthResult, certificate: CertificateReport?, remoteAddress: String) {
        self.url = url
        self.result = result
        self.certificate = certificate
        self.remoteAddress = remoteAddress
    }
}
