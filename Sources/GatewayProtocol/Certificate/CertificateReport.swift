/// What Swiftgate learned about a gateway's certificate: the facts a person needs to decide whether to trust it.
/// Every TLS connection yields one, valid or not.
public struct CertificateReport: Sendable, Equatable, Codable {
    public var host: String
    public var port: Int
    public var subject: String
    public var issuer: String
    public var notBefore: String
    public var notAfter: String
    public var subjectAltNames: [String]
    /// `pin-sha256:<base64>` of the SubjectPublicKeyInfo: the form openconnect prints (protocol.md §6.3).
    public var pin: String
    /// Upper-case hex SHA-1 of the certificate DER (what `server-cert-hash` carries).
    public var sha1: String
    /// Hex SHA-256 and SHA-1 of the SubjectPublicKeyInfo, for the `sha256:`/`sha1:` pin forms.
    public var spkiSHA256Hex: String
    public var spkiSHA1Hex: String
    /// Why validation failed, in words; empty when the chain and the host name check out.
    public var reasons: [String]

    public init(host: String, port: Int, subject: String, issuer: String, notBefore: String, notAfter: String,
                subjectAltNames: [String], pin: String, sha1: String, spkiSHA256Hex: String, spkiSHA1Hex: String,
                reasons: [String]) {
        self.host = host
        self.port = port
        self.subject = subject
        self.issuer = issuer
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.subjectAltNames = subjectAltNames
        self.pin = pin
        self.sha1 = sha1
        self.spkiSHA256Hex = spkiSHA256Hex
        self.spkiSHA1Hex = spkiSHA1Hex
        self.reasons = reasons
    }

    /// The chain validated against the trust anchors and the certificate names the host.
    public var isValid: Bool { reasons.isEmpty }

    /// Whether a user-given pin names this certificate, in any form `ServerPin` reads; a value that is not a
    /// complete pin names nothing.
    public func matches(pin candidate: String) -> Bool {
        // The report's own pin text, as the trust store keeps it, is a match without decoding it.
        if !pin.isEmpty, candidate.trimmingSpaces == pin { return true }
        guard let parsed = try? ServerPin(parsing: candidate) else { return false }
        return parsed.matches(self)
    }
}
