/// A gateway reply during authentication, parsed.
public enum AuthDocument: Sendable, Equatable {
    case form(AuthForm)
    case success(AuthSuccess)
    /// `<client-cert-request/>`: present a client certificate on a new connection, or re-POST `init` with
    /// `<client-cert-fail/>` (protocol.md §1.11).
    case clientCertificateRequest
}
