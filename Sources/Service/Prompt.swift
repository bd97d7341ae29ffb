import Engine
import GatewayProtocol

/// A question the engine asks, sent to the front ends attached to its connection.
public enum Prompt: Sendable, Equatable, Codable {
    case group(GroupChoice)
    case form(AuthForm)
    case trust(TrustQuestion)
    case identity(caNames: [String])
    /// Single sign-on in external-browser mode: the front end opens the URL in the user's own browser
    /// (the service never starts a browser for a user).
    case openBrowser(url: String)
}

/// The front end's answer. Form answers are the one place a password crosses the socket (to root, locally).
public enum PromptAnswer: Sendable, Equatable, Codable {
    case group(FormOption?)
    case form([String: String]?)
    case trust(TrustDecision)
    case identity(FileContents?)
    /// What opened the URL (a browser's name), or why nothing could.
    case openBrowser(opened: String?, problem: String?)
}
