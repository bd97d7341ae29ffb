/// Why the embedded browser could not finish an SSO login, in words that say what to do. Never carries a cookie
/// value or a page's URL (an IdP's URLs can hold one-time codes).
public enum EmbeddedBrowserError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No Chromium at the given path or on PATH; `searched` names what was looked for.
    case browserNotFound(searched: String)
    /// The browser could not be started (temporary directory, spawn, pipes).
    case launchFailed(String)
    /// The browser went away before the login finished: it crashed, or the person closed its window.
    case browserExited(String)
    /// Chromium could not load the gateway's login page (its network error, e.g. net::ERR_CONNECTION_REFUSED).
    case loginPageFailed(String)
    /// The deadline passed; `reachedFinalPage` says whether the final page was seen without the token cookie.
    case timedOut(seconds: Int, reachedFinalPage: Bool)
    case cancelled
    /// Chromium's DevTools answers made no sense (a refused command, an oversized or malformed message).
    case protocolError(String)

    public var description: String {
        switch self {
        case .browserNotFound(let searched):
            return "no browser for the SSO login: looked for \(searched); install Debian's chromium "
                + "(apt-get install chromium) or name one with --sso-browser PATH"
        case .launchFailed(let why):
            return "could not start the browser for the SSO login: \(why)"
        case .browserExited(let why):
            return "the SSO browser went away before the login finished: \(why); connect again to retry"
        case .loginPageFailed(let why):
            return "the browser could not load the gateway's SSO login page (\(why)); check that the gateway "
                + "and its identity provider are reachable from this machine"
        case .timedOut(let seconds, let reachedFinalPage):
            if reachedFinalPage {
                return "SSO login timed out after \(seconds) s: the gateway's final page was reached but it set no "
                    + "token cookie; ask the gateway's administrator to check its SAML configuration"
            }
            return "SSO login timed out after \(seconds) s without reaching the gateway's final page; "
                + "finish the login in the browser sooner, or use --external-browser"
        case .cancelled:
            return "SSO login cancelled"
        case .protocolError(let why):
            return "the SSO browser's DevTools protocol failed: \(why); try another Chromium with --sso-browser PATH"
        }
    }
}
