/// The channel that carried data when a connection ended: the TLS (CSTP) stream or DTLS.
public enum ConnectionTransport: String, Sendable, CaseIterable {
    case tls
    case dtls
}
