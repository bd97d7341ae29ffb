import Engine
import Foundation
import GatewayProtocol

/// The engine's front end inside the service: every question goes to the front ends attached to the connection.
struct ServiceFrontEnd: FrontEnd {
    let connection: ServiceConnection

    func chooseGroup(_ choice: GroupChoice) async -> FormOption? {
        guard case .group(let option)? = await connection.ask(.group(choice)) else { return nil }
        return option
    }

    func fillForm(_ form: AuthForm) async -> [String: Secret]? {
        guard case .form(let answers?)? = await connection.ask(.form(form)) else { return nil }
        return answers.mapValues(Secret.init)
    }

    func decideTrust(_ question: TrustQuestion) async -> TrustDecision {
        guard case .trust(let decision)? = await connection.ask(.trust(question)) else { return .cancel }
        return decision
    }

    /// The front end sends the chosen file's contents (read with the user's rights); the service keeps it in
    /// the connection's private directory.
    func chooseIdentity(caNames: [String]) async -> String? {
        guard case .identity(let file?)? = await connection.ask(.identity(caNames: caNames)),
              let directory = connection.filesDirectory else { return nil }
        return try? ServiceFiles.write(file, into: directory, as: "identity")
    }

    func openLoginURL(_ url: String) async -> BrowserOpening? {
        guard case .openBrowser(let opened, let problem)? = await connection.ask(.openBrowser(url: url)) else {
            return BrowserOpening(browser: nil, problem: "no front end opened a browser: open the URL yourself")
        }
        return BrowserOpening(browser: opened, problem: problem)
    }
}
