import Engine
import Foundation
import GatewayProtocol
import Service
import Store
import Synchronization

/// What reaches the interface loop from elsewhere: engine events, engine prompts (with the continuation that
/// takes the answer), and the end of a connection attempt.
enum UIMessage: Sendable {
    case event(EngineEvent)
    case group(GroupChoice, CheckedContinuation<FormOption?, Never>)
    case form(AuthForm, CheckedContinuation<[String: Secret]?, Never>)
    case trust(TrustQuestion, CheckedContinuation<TrustDecision, Never>)
    case identity(caNames: [String], files: [String], CheckedContinuation<String?, Never>)
    /// `connection`: the service connection it was (nil: the one run in this process).
    case finished(outcome: String, failed: Bool, connection: String?)
    /// The names of this user's connections up in the service now (polled: one may end while not on screen).
    case upInService(Set<String>, ended: [ConnectionStatus])
}

/// A queue the engine's tasks post to and the interface loop drains between key reads: curses is only ever
/// touched from the loop's own thread, and the engine never waits on a redraw.
final class UIMailbox: Sendable {
    private let messages = Mutex<[UIMessage]>([])

    func post(_ message: UIMessage) {
        messages.withLock { $0.append(message) }
    }

    func drain() -> [UIMessage] {
        messages.withLock { queue in
            defer { queue.removeAll() }
            return queue
        }
    }
}

/// The interface's side of the engine's questions: each becomes a dialog; the answer comes back when the
/// person gives it.
struct TUIFrontEnd: FrontEnd {
    let mailbox: UIMailbox
    let username: String?

    func chooseGroup(_ choice: GroupChoice) async -> FormOption? {
        await withCheckedContinuation { mailbox.post(.group(choice, $0)) }
    }

    func fillForm(_ form: AuthForm) async -> [String: Secret]? {
        var form = form
        // The saved user name is typed in already; the person may change it.
        for index in form.fields.indices where form.fields[index].name == "username" && form.fields[index].value.isEmpty {
            form.fields[index].value = username ?? ""
        }
        return await withCheckedContinuation { mailbox.post(.form(form, $0)) }
    }

    func decideTrust(_ question: TrustQuestion) async -> TrustDecision {
        await withCheckedContinuation { mailbox.post(.trust(question, $0)) }
    }

    /// PEM and PKCS#12 files in the user's certificates directory; with none there, nothing is asked.
    func chooseIdentity(caNames: [String]) async -> String? {
        let directory = StorePaths.resolve().configDirectory + "/certs"
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { name in
                let lower = name.lowercased()
                return (lower.hasSuffix(".pem") && !lower.hasSuffix("-key.pem")) || lower.hasSuffix(".p12") || lower.hasSuffix(".pfx")
            }.sorted().map { directory + "/" + $0 }
        guard !files.isEmpty else { return nil }
        return await withCheckedContinuation { mailbox.post(.identity(caNames: caNames, files: files, $0)) }
    }
}
