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
}

extension FrontEnd {
    public func chooseIdentity(caNames: [String]) async -> String? { nil }
}
