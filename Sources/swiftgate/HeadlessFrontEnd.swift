import Engine
import Foundation
import GatewayProtocol

/// The front end of `swiftgate connect`: answers from the command line and stdin, never a prompt for trust.
///
/// Form answers: a text field named `username` gets `--user`; a text field the gateway prefilled keeps its value;
/// every other field (the password first) takes the next line of stdin. On a terminal without `--passwd-on-stdin`, fields are asked for on stderr instead, with
/// echo off for passwords, unless `--non-interactive`.
actor HeadlessFrontEnd: FrontEnd {
    private let username: String?
    private let interactive: Bool
    private var stdinExhausted = false

    init(username: String?, passwordOnStdin: Bool, nonInteractive: Bool) {
        self.username = username
        self.interactive = !passwordOnStdin && !nonInteractive && isatty(STDIN_FILENO) == 1
    }

    func chooseGroup(_ choice: GroupChoice) async -> FormOption? {
        // Headless without --group: the gateway's own default, as openconnect does.
        choice.defaultOption
    }

    func decideTrust(_ question: TrustQuestion) async -> TrustDecision {
        .cancel  // headless: only --servercert and pins stored with `swiftgate trust add` trust such a certificate
    }

    func fillForm(_ form: AuthForm) async -> [String: Secret]? {
        if interactive {
            if let message = form.error ?? form.message { StandardStreams.err(GatewayText.printable(message, keepNewlines: true) + "\n") }
        }
        var answers: [String: Secret] = [:]
        for field in form.questions {
            if field.kind == .text, field.name == "username", let username {
                answers[field.name] = Secret(username)
                continue
            }
            if field.kind == .text, !field.value.isEmpty {
                // A value the gateway filled in (an editable secondary_username of ASA double authentication):
                // kept, so the lines of stdin go to the fields that really need them.
                answers[field.name] = Secret(field.value)
                continue
            }
            if field.kind == .select {
                // A select other than the group list: take the default unless a line names an option.
                if let first = field.options.first(where: \.selected) ?? field.options.first {
                    answers[field.name] = Secret(first.value)
                    continue
                }
            }
            guard let line = nextAnswer(label: field.label, secret: field.kind == .password) else { return nil }
            answers[field.name] = Secret(line)
        }
        return answers
    }

    private func nextAnswer(label: String, secret: Bool) -> String? {
        if interactive { return TerminalPrompt.ask(label, echo: !secret) }
        guard !stdinExhausted else { return nil }
        guard let line = readLine(strippingNewline: true) else {
            stdinExhausted = true
            return nil
        }
        return line
    }
}
