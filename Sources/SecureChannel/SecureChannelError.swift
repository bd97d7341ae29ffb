import GatewayProtocol

/// Failures below the HTTP layer: name resolution, TCP, TLS. Each says what to check.
public enum SecureChannelError: Error, Equatable, Sendable, CustomStringConvertible {
    case resolve(host: String, reason: String)
    case connect(host: String, port: Int, reasons: [String])
    case timedOut(String)
    case tls(String)
    case closed
    case trustAnchors(path: String, reason: String)
    case system(String, errno: Int32)
    case identity(String)
    /// The handshake was stopped before the client certificate went out: the gateway's certificate is not
    /// trusted yet (issue 13, item 8). The report is what it presented.
    case identityWithheld(CertificateReport)
    /// The STRAP keys of a single sign-on login could not be made or used (OpenSSL's words).
    case strap(String)
    /// The external-browser SSO token did not decrypt; nothing of the token is quoted.
    case ssoToken(SSOTokenProblem)

    public var description: String {
        switch self {
        case .resolve(let host, let reason):
            return "cannot resolve '\(host)': \(reason); check the gateway name and your DNS"
        case .connect(let host, let port, let reasons):
            return "cannot reach \(host) port \(port): \(reasons.joined(separator: "; "))"
        case .timedOut(let what): return "timed out \(what)"
        case .tls(let reason): return "TLS failed: \(reason)"
        case .closed: return "the gateway closed the connection"
        case .trustAnchors(let path, let reason): return "cannot load trust anchors from \(path): \(reason)"
        case .system(let call, let code): return "\(call) failed: \(SystemErrno.describe(code))"
        case .identity(let text): return "client certificate: \(text)"
        case .identityWithheld(let report):
            return "the client certificate was not sent to \(report.host):\(report.port): its certificate is not trusted yet"
        case .strap(let text): return "single sign-on keys (STRAP): \(text)"
        case .ssoToken(let problem):
            return "the single sign-on token from the gateway was rejected: \(problem.rawValue); log in again"
        }
    }

    /// Whether this means the gateway could not be reached at all (exit 5), rather than a TLS problem.
    public var isUnreachable: Bool {
        switch self {
        case .resolve, .connect, .timedOut: return true
        default: return false
        }
    }
}
