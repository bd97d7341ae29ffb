import GatewayProtocol

/// When the client certificate may be presented (issue 13, item 8): only to a gateway already trusted, decided
/// during the handshake from what is known before any prompt — a valid chain and host, or a pin (stored
/// "always", accepted "once" in this attempt, or `--servercert`). Any other gateway sees no certificate at all: the
/// handshake stops before the client's Certificate message, the person decides, and a new handshake presents it.
public struct IdentityTrust: Sendable {
    /// Whether the gateway's certificate is trusted without asking.
    public let trusts: @Sendable (CertificateReport) -> Bool

    public init(_ trusts: @escaping @Sendable (CertificateReport) -> Bool) {
        self.trusts = trusts
    }

    /// Trusted: one of `pins`, or (with `acceptValid`) a certificate valid for the host.
    public init(pins: [String], acceptValid: Bool) {
        self.init { report in (acceptValid && report.isValid) || pins.contains(where: report.matches(pin:)) }
    }
}
