import GatewayProtocol

/// What the engine asks of a front end (the TUI, the headless CLI, a test). Answers come back asynchronously;
/// nil means the person could not or would not answer.
public protocol FrontEnd: Sendable {
    func chooseGroup(_ choice: GroupChoice) async -> FormOption?
    func fillForm(_ form: AuthForm) async -> [String: Secret]?
    func decideTrust(_ question: TrustQuestion) async -> TrustDecision
    /// The gateway asks for a client certificate (naming the CAs it trusts) and none was given: a PEM file to
    /// use (certificate and key together, or the key beside it as NAME.key / NAME-key.pem), or nil to go on
    /// without one.
    func chooseIdentity(caNames: [String]) async -> String?
    /// External-browser single sign-on: the front end opens the login URL in the person's own browser and says
    /// with what (or why it could not). nil: the front end leaves it to the engine (a front end in the same
    /// process); the service's front end always answers, since root never starts a user's browser (issue 15).
    func openLoginURL(_ url: String) async -> BrowserOpening?
}

/// What a front end did with a login URL.
public struct BrowserOpening: Sendable, Equatable {
    public var browser: String?
    public var problem: String?

    public init(browser: String?, problem: String?) {
        self.browser = browser
        self.problem = problem
    }
}

extension FrontEnd {
    public func chooseIdentity(caNames: [String]) async -> String? { nil }
    public func openLoginURL(_ url: String) async -> BrowserOpening? { nil }
}
