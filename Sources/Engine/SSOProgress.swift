/// Where a single sign-on step of phase user-auth stands (issue 11): what the front end shows — the URL to open
/// (with a QR code), the browser started or why none, the time left — and how it ended.
public struct SSOProgress: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable {
        /// The browser step began: open `loginURL`.
        case started
        /// The token came back; the login goes on.
        case done
        case failed
    }

    public enum Mode: String, Sendable, Codable {
        /// The system browser; the token comes back encrypted through http://localhost:29786 (ASA 9.17+).
        case external
        /// A Chromium driven by Swiftgate; the token is read from its cookie.
        case embedded
        /// No browser could be shown: the person pastes the token.
        case pasted
    }

    public var state: State
    public var mode: Mode
    public var loginURL: String
    public var timeoutSeconds: Int
    /// What was started to show the page ("xdg-open", a path), or nil when nothing could be.
    public var browser: String?
    /// The session runs over SSH: the callback port must be forwarded to the machine with the browser.
    public var overSSH: Bool
    /// Why nothing was started, or why it failed.
    public var message: String?
    /// The local port the external browser's callback comes to.
    public var callbackPort: Int?

    public init(state: State, mode: Mode, loginURL: String, timeoutSeconds: Int, browser: String? = nil,
                overSSH: Bool = false, message: String? = nil, callbackPort: Int? = nil) {
        self.state = state
        self.mode = mode
        self.loginURL = loginURL
        self.timeoutSeconds = timeoutSeconds
        self.browser = browser
        self.overSSH = overSSH
        self.message = message
        self.callbackPort = callbackPort
    }

    /// What a person must do, in one or two sentences (stderr headless, the TUI's SSO box).
    public var instructions: String {
        switch mode {
        case .external:
            var text = browser.map { "Log in in the browser (\($0) opened it), or open the URL yourself." }
                ?? "Open the URL in a browser and log in."
            if overSSH, let callbackPort {
                text += " Over SSH, forward the callback first: ssh -L \(callbackPort):localhost:\(callbackPort) this host,"
                    + " then open the URL on your own machine."
            }
            return text
        case .embedded:
            return "Log in in the browser window Swiftgate opened."
        case .pasted:
            return "Open the URL in a browser, log in, then paste the token (the cookie shown by the gateway's final page)."
        }
    }
}
