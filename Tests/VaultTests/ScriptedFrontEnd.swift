import Engine
import GatewayProtocol

/// The person, scripted: answers forms in order and records what it was asked.
actor ScriptedFrontEnd: FrontEnd {
    private var answers: [[String: String]?]
    private(set) var asked: [AuthForm] = []
    private(set) var groupsAsked = 0
    private(set) var trustAsked = 0
    private(set) var identityAsked: [[String]] = []

    init(_ answers: [[String: String]?] = []) { self.answers = answers }

    func fillForm(_ form: AuthForm) async -> [String: Secret]? {
        asked.append(form)
        guard !answers.isEmpty, let next = answers.removeFirst() else { return nil }
        return next.mapValues(Secret.init)
    }

    func chooseGroup(_ choice: GroupChoice) async -> FormOption? {
        groupsAsked += 1
        return choice.defaultOption
    }

    func decideTrust(_ question: TrustQuestion) async -> TrustDecision {
        trustAsked += 1
        return .once
    }

    private(set) var loginURLs: [String] = []

    func openLoginURL(_ url: String) async -> BrowserOpening? {
        loginURLs.append(url)
        return BrowserOpening(browser: "firefox", problem: nil)
    }

    func chooseIdentity(caNames: [String]) async -> String? {
        identityAsked.append(caNames)
        return "/certs/me.pem"
    }
}
