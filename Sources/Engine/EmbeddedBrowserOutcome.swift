import GatewayProtocol

/// How an embedded-browser SSO login ended when the gateway's pages decided it (openconnect cstp.c,
/// `cstp_sso_detect_done`): the token cookie was set and the browser reached `sso-v2-login-final`, or the
/// gateway set its error cookie, whose text (control characters stripped) is shown to the person.
public enum EmbeddedBrowserOutcome: Sendable, Equatable {
    case token(Secret)
    case gatewayError(String)
}
