import GatewayProtocol

/// When the client certificate may be presented (issue 13, item 8): only to a gateway already trusted, decided
/// during the handshake from what is known before any prompt — a valid chain and host, or a pin (stored
/// "always", accepted "once" in this attempt, or `--servercert`). Any other gateway sees no certificate at all: the
/// handshake stops before the client's Certificate message, the person decides, and a new handshake presents it.
public struct IdentityTrust: Sendable, Equatable {
    /// Pins that make the gateway's certificate trusted.
    public var pins: [String]
    /// Whether a certificate valid for the host (chain and name) is trusted without a pin.
    public var acceptValid: Bool

    public init(pins: [String], acceptValid: Bool) {
        self.pins = pins
        self.acceptValid = acceptValid
    }

    public func trusts(_ report: CertificateReport) -> Bool {
        (acceptValid && report.isValid) || pins.contains(where: report.matches(pin:))
    }
}
