/// The certificates a connection's chain is checked against (the system store and `--cafile`), loaded once
/// and shared by every connection of an attempt: parsing the system bundle costs tens of milliseconds.
public final class TrustAnchors: @unchecked Sendable {
    let verifier: CertificateVerifier

    public init(configuration: TLSConfiguration) throws(SecureChannelError) {
        verifier = try CertificateVerifier(configuration: configuration)
    }
}
