import GatewayProtocol

/// What the engine asks of a front end (the TUI, the headless CLI, a test). Answers come back asynchronously;
/// nil means the person could not or would not answer.
public protocol FrontEnd: Sendable {
    func chooseGroup(_ choice: GroupChoice) async -> FormOption?
    func fillForm(_ form: AuthForm) async -> [String: Secret]?
    func decideTrust(_ question: TrustQuestion) async -> TrustDecision
}
