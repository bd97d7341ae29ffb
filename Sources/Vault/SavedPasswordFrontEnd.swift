import Engine
import GatewayProtocol

/// A front end in front of the person's own (the TUI, the headless CLI): answers a login form's user name and
/// password from the vault when it holds one, and asks the inner front end only what is left (a second factor),
/// or nothing at all (issue 15, item 5).
///
/// - A saved password is used once per login round: whatever the gateway asks after it (an error, the same form
///   again with other words as ocserv's "Login failed.", protocol.md §1.7, or a second factor) goes to the inner
///   front end, so a refused saved password never loops. A fresh user-name form without an error (a new round, a
///   reconnect's relogin) may use it again.
/// - Saving is opt-in (`saveRequested`, or the inner front end's answer carrying `saveRequestField`, the TUI's
///   toggle): the typed password is only kept pending and written by `commit()`, which the caller calls after
///   authentication succeeded. A refused login never reaches the vault.
/// - Every other question (group, trust, identity, a login URL to open) goes to the inner front end unchanged.
/// - Forms the engine makes itself (a key's passphrase, a pasted SSO token) pass through untouched.
public actor SavedPasswordFrontEnd: FrontEnd {
    /// An answer key by which the inner front end asks for the typed password to be saved; removed before the
    /// answers go to the engine. A control character no gateway field name can hold (GatewayText strips them).
    public static let saveRequestField = "\u{1}swiftgate-save-password"

    /// The engine's own forms (ConnectionEngine.loadIdentity, ConnectionEngine+SSO.pastedToken).
    static let engineForms: Set<String> = ["key-passphrase", "sso-token"]

    private let inner: any FrontEnd
    private let vault: any PasswordVault
    private let gateway: String
    private let savedUser: String?
    private let autofill: Bool
    private let note: @Sendable (String) -> Void
    private var saveRequested: Bool

    /// The shape of the form answered last, and whether the vault answered it.
    private var lastShape: FormShape?
    private var lastAutofilled = false
    /// The saved password was used (or refused) in this login round: from now on the person answers.
    private var spent = false
    /// How many forms of the same shape in a row the saved password answered.
    private var savedStreak = 0
    /// The user name of this login (answered in an earlier form, ocserv's first step).
    private var loginUser: String?
    private var pending: Pending?
    private var pendingAmbiguous = false

    private struct Pending {
        var user: String?
        var password: Secret
        var shape: FormShape
    }

    /// - Parameters:
    ///   - gateway: the gateway's `host:port` key.
    ///   - savedUser: the user name saved with the gateway (or given on the command line).
    ///   - autofill: whether a saved password may answer (off when the person gives one, e.g. on stdin).
    ///   - saveRequested: the person asked to save the password typed for this connection.
    ///   - note: a line for the person (never holds a secret).
    public init(wrapping inner: any FrontEnd, vault: any PasswordVault, gateway: String, savedUser: String?,
                autofill: Bool = true, saveRequested: Bool = false, note: @escaping @Sendable (String) -> Void = { _ in }) {
        self.inner = inner
        self.vault = vault
        self.gateway = gateway
        self.savedUser = savedUser.flatMap { $0.isEmpty ? nil : $0 }
        self.autofill = autofill
        self.saveRequested = saveRequested
        self.note = note
    }

    public func chooseGroup(_ choice: GroupChoice) async -> FormOption? { await inner.chooseGroup(choice) }
    public func decideTrust(_ question: TrustQuestion) async -> TrustDecision { await inner.decideTrust(question) }
    public func chooseIdentity(caNames: [String]) async -> String? { await inner.chooseIdentity(caNames: caNames) }
    public func openLoginURL(_ url: String) async -> BrowserOpening? { await inner.openLoginURL(url) }

    public func fillForm(_ form: AuthForm) async -> [String: Secret]? {
        guard !Self.engineForms.contains(form.authID) else { return await ask(form) }
        let shape = FormShape(form)
        let usernameField = form.questions.first { $0.kind == .text && $0.name == "username" }
        let passwordField = form.questions.first { $0.kind == .password }
        let previous = lastShape, previousAutofilled = lastAutofilled
        lastShape = shape
        lastAutofilled = false

        // After the saved password: an error, or the same form with other words (ocserv's "Login failed.",
        // protocol.md §1.7; its OTP step), means it was refused or a further step follows: the person answers.
        // The same form with the same words may be a fresh login (a reconnect's relogin, ConnectionEngine.relogin),
        // but a gateway that silently repeats its form gets the saved password twice in a row at most.
        let repeatsSaved = previousAutofilled && previous?.sameQuestions(as: shape) == true
        let afterSaved = previousAutofilled
            && (form.error != nil || previous?.differsOnlyInWords(from: shape) == true || (repeatsSaved && savedStreak >= 2))
        if afterSaved {
            note("the gateway asks again after the saved password for \(gateway) (refused, or a further step): asking")
        } else if usernameField != nil, form.error == nil {
            spent = false  // a new login round
        }
        let user: String? = if let value = usernameField?.value, !value.isEmpty { value }
            else if usernameField != nil { savedUser } else { loginUser ?? savedUser }

        if autofill, !spent, form.error == nil, let passwordField, let user, vault.isAvailable,
           let saved = await savedPassword(user: user) {
            var answers: [String: Secret] = [passwordField.name: saved]
            if let usernameField { answers[usernameField.name] = Secret(user) }
            loginUser = user
            lastAutofilled = true
            spent = true
            savedStreak = repeatsSaved ? savedStreak + 1 : 1
            note("using the saved password of \(user) for \(gateway)")
            var rest = form
            rest.fields.removeAll { answers[$0.name] != nil }
            guard !rest.questions.isEmpty else { return answers }
            guard let typed = await ask(rest) else { return nil }
            return typed.merging(answers) { _, saved in saved }
        }

        guard let typed = await ask(form) else { return nil }
        let answeredUser = usernameField.flatMap { typed[$0.name]?.reveal() }.flatMap { $0.isEmpty ? nil : $0 } ?? user
        if usernameField != nil { loginUser = answeredUser }
        // Kept only once saving was asked for (the TUI's toggle comes with this very answer): a password nobody
        // wants saved does not linger here.
        if saveRequested, let passwordField, let password = typed[passwordField.name] {
            keepPending(Pending(user: answeredUser, password: password, shape: shape), form: form,
                        hasUsername: usernameField != nil, repeatsPrevious: previous?.sameQuestions(as: shape) == true)
        }
        return typed
    }

    /// Writes the password typed for this connection to the vault, if saving was asked for. Call it once
    /// authentication succeeded; the pending password is dropped either way.
    public func commit() async throws(VaultError) -> SaveOutcome {
        loginSucceeded()
        defer {
            pending = nil
            pendingAmbiguous = false
        }
        guard saveRequested else { return .notRequested }
        guard let pending else { return .nothingTyped }
        guard !pendingAmbiguous else { return .ambiguous }
        guard let user = pending.user else { return .noUserName }
        let vault = vault, gateway = gateway, password = pending.password
        try await VaultCall.run { () throws(VaultError) in try vault.save(password, gateway: gateway, user: user) }
        return .saved(user: user)
    }

    /// The login went through: a later form (a relogin) starts afresh, whatever it looks like.
    public func loginSucceeded() {
        lastShape = nil
        lastAutofilled = false
        savedStreak = 0
    }

    /// Forgets what was typed (a login that failed), so a later `commit` cannot save it.
    public func discardPending() {
        pending = nil
        pendingAmbiguous = false
    }

    /// The first password of a login round is the one to save; a refusal (an error) or a new round (a user-name
    /// field) replaces it. The same question again right after it, with no error, is a retry or a second factor
    /// in a same-named field: ambiguous, so nothing is saved rather than perhaps the wrong answer.
    private func keepPending(_ candidate: Pending, form: AuthForm, hasUsername: Bool, repeatsPrevious: Bool) {
        if pending == nil || form.error != nil || hasUsername {
            pending = candidate
            pendingAmbiguous = false
        } else if repeatsPrevious, pending?.shape == candidate.shape {
            pendingAmbiguous = true
        }
    }

    /// The inner front end's answers, with the save request taken out (and remembered).
    private func ask(_ form: AuthForm) async -> [String: Secret]? {
        guard var typed = await inner.fillForm(form) else { return nil }
        if typed.removeValue(forKey: Self.saveRequestField) != nil { saveRequested = true }
        return typed
    }

    /// A vault that fails is reported and treated as holding nothing: the person is asked instead.
    private func savedPassword(user: String) async -> Secret? {
        let vault = vault, gateway = gateway
        do {
            return try await VaultCall.run { () throws(VaultError) in try vault.password(gateway: gateway, user: user) }
        } catch {
            note("no saved password used: \(error)")
            return nil
        }
    }
}

/// What identifies "the same form again": its id and the names of its questions; and its words.
struct FormShape: Equatable {
    var authID: String
    var questions: [String]
    var message: String?

    init(_ form: AuthForm) {
        authID = form.authID
        questions = form.questions.map(\.name)
        message = form.message
    }

    func sameQuestions(as other: FormShape) -> Bool { authID == other.authID && questions == other.questions }

    func differsOnlyInWords(from other: FormShape) -> Bool { sameQuestions(as: other) && message != other.message }
}
