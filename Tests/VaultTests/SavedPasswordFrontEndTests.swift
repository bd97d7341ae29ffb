import Engine
import GatewayProtocol
import Vault
import XCTest

/// The saved-password front end against a memory vault and a scripted person (issue 15, item 5).
final class SavedPasswordFrontEndTests: XCTestCase {
    private let gateway = "vpn.example.com:443"

    // Forms as the gateways send them: ocserv asks the user name, then the password (protocol.md §1.7); an ASA
    // asks both at once, and a second factor after.
    private let usernameForm = AuthForm(message: "Please enter your username.",
                                        fields: [FormField(kind: .text, name: "username", label: "Username:")])
    private let passwordForm = AuthForm(message: "Please enter your password.",
                                        fields: [FormField(kind: .password, name: "password", label: "Password:")])
    private let combinedForm = AuthForm(fields: [
        FormField(kind: .text, name: "username", label: "Username:"),
        FormField(kind: .password, name: "password", label: "Password:"),
        FormField(kind: .hidden, name: "token", label: "", value: "t1"),
    ])
    private let combinedWithSecondFactor = AuthForm(fields: [
        FormField(kind: .text, name: "username", label: "Username:"),
        FormField(kind: .password, name: "password", label: "Password:"),
        FormField(kind: .text, name: "otp", label: "One-time code:"),
    ])
    private let challengeForm = AuthForm(authID: "challenge", message: "Enter your OTP",
                                         fields: [FormField(kind: .password, name: "answer", label: "OTP:")])

    private func vault(with password: String? = "saved-pass", user: String = "alice") throws -> MemoryVault {
        let vault = MemoryVault()
        if let password { try vault.save(Secret(password), gateway: gateway, user: user) }
        return vault
    }

    private func revealed(_ answers: [String: Secret]?) -> [String: String]? { answers?.mapValues { $0.reveal() } }

    // MARK: using a saved password

    func testASavedPasswordAnswersTheWholeFormWithoutAnyPrompt() async throws {
        let person = ScriptedFrontEnd()
        let front = SavedPasswordFrontEnd(wrapping: person, vault: try vault(), gateway: gateway, savedUser: "alice")
        let answers = await front.fillForm(combinedForm)
        XCTAssertEqual(revealed(answers), ["username": "alice", "password": "saved-pass"])
        let asked = await person.asked
        XCTAssertTrue(asked.isEmpty, "nothing left to ask")
    }

    func testOcservStepsTheUserNameFromThePersonThenTheSavedPassword() async throws {
        let person = ScriptedFrontEnd([["username": "alice"]])
        let front = SavedPasswordFrontEnd(wrapping: person, vault: try vault(), gateway: gateway, savedUser: nil)
        let answer1 = await front.fillForm(usernameForm)
        XCTAssertEqual(revealed(answer1), ["username": "alice"])
        // The password form has no user-name field: the user is the one answered a step before.
        let answer2 = await front.fillForm(passwordForm)
        XCTAssertEqual(revealed(answer2), ["password": "saved-pass"])
        let asked = await person.asked
        XCTAssertEqual(asked.count, 1, "only the user name was asked")
    }

    func testTheSavedUserNameOfTheGatewayIsUsedForAPasswordOnlyForm() async throws {
        let person = ScriptedFrontEnd()
        let front = SavedPasswordFrontEnd(wrapping: person, vault: try vault(), gateway: gateway, savedUser: "alice")
        let answer3 = await front.fillForm(passwordForm)
        XCTAssertEqual(revealed(answer3), ["password": "saved-pass"])
    }

    func testAUserNameTheGatewayPrefilledChoosesWhichSavedPassword() async throws {
        let vault = try vault(with: "bobs-pass", user: "bob")
        var form = combinedForm
        form.fields[0].value = "bob"
        let front = SavedPasswordFrontEnd(wrapping: ScriptedFrontEnd(), vault: vault, gateway: gateway, savedUser: "alice")
        let answer4 = await front.fillForm(form)
        XCTAssertEqual(revealed(answer4), ["username": "bob", "password": "bobs-pass"])
    }

    func testOnlyTheRemainingQuestionsReachThePerson() async throws {
        let person = ScriptedFrontEnd([["otp": "123456"]])
        let front = SavedPasswordFrontEnd(wrapping: person, vault: try vault(), gateway: gateway, savedUser: "alice")
        let answers = await front.fillForm(combinedWithSecondFactor)
        XCTAssertEqual(revealed(answers), ["username": "alice", "password": "saved-pass", "otp": "123456"])
        let asked = await person.asked
        XCTAssertEqual(asked.map { $0.questions.map(\.name) }, [["otp"]])
    }

    func testASecondFactorFormAfterTheSavedPasswordGoesToThePerson() async throws {
        let person = ScriptedFrontEnd([["answer": "654321"]])
        let front = SavedPasswordFrontEnd(wrapping: person, vault: try vault(), gateway: gateway, savedUser: "alice")
        _ = await front.fillForm(combinedForm)
        let answer5 = await front.fillForm(challengeForm)
        XCTAssertEqual(revealed(answer5), ["answer": "654321"])
        let asked = await person.asked
        XCTAssertEqual(asked.map(\.authID), ["challenge"])
    }

    func testNoSavedPasswordNoUserOrNoAutofillAsksThePerson() async throws {
        let typed = ["username": "alice", "password": "typed"]
        // Nothing saved for this user.
        var person = ScriptedFrontEnd([typed])
        var front = SavedPasswordFrontEnd(wrapping: person, vault: try vault(user: "bob"), gateway: gateway, savedUser: "alice")
        let answer6 = await front.fillForm(combinedForm)
        XCTAssertEqual(revealed(answer6), typed)
        // No user name known: which password would it be?
        person = ScriptedFrontEnd([["password": "typed"]])
        front = SavedPasswordFrontEnd(wrapping: person, vault: try vault(), gateway: gateway, savedUser: nil)
        let answer7 = await front.fillForm(passwordForm)
        XCTAssertEqual(revealed(answer7), ["password": "typed"])
        // The person gives the password themselves (--passwd-on-stdin).
        person = ScriptedFrontEnd([typed])
        front = SavedPasswordFrontEnd(wrapping: person, vault: try vault(), gateway: gateway, savedUser: "alice", autofill: false)
        let answer8 = await front.fillForm(combinedForm)
        XCTAssertEqual(revealed(answer8), typed)
        // The vault is not there.
        person = ScriptedFrontEnd([typed])
        front = SavedPasswordFrontEnd(wrapping: person, vault: MemoryVault(available: false), gateway: gateway, savedUser: "alice")
        let answer9 = await front.fillForm(combinedForm)
        XCTAssertEqual(revealed(answer9), typed)
    }

    func testAFailingVaultIsReportedAndThePersonAsked() async throws {
        let vault = try vault()
        vault.fail(with: .timedOut(operation: "read the saved password", seconds: 15))
        let notes = NoteBox()
        let person = ScriptedFrontEnd([["username": "alice", "password": "typed"]])
        let front = SavedPasswordFrontEnd(wrapping: person, vault: vault, gateway: gateway, savedUser: "alice",
                                          note: { notes.add($0) })
        let answer10 = await front.fillForm(combinedForm)
        XCTAssertEqual(revealed(answer10), ["username": "alice", "password": "typed"])
        XCTAssertTrue(notes.lines.contains { $0.contains("did not read the saved password within 15 s") }, "\(notes.lines)")
    }

    func testTheEnginesOwnFormsPassThroughUntouched() async throws {
        let passphrase = AuthForm(authID: "key-passphrase",
                                  fields: [FormField(kind: .password, name: "passphrase", label: "Passphrase:")])
        let person = ScriptedFrontEnd([["passphrase": "key-secret"]])
        let front = SavedPasswordFrontEnd(wrapping: person, vault: try vault(), gateway: gateway, savedUser: "alice")
        let answer11 = await front.fillForm(passphrase)
        XCTAssertEqual(revealed(answer11), ["passphrase": "key-secret"])
    }

    // MARK: a refused saved password

    func testARefusedSavedPasswordIsNotTriedAgainInThisAttempt() async throws {
        // ASA style: the same form again with an error.
        let person = ScriptedFrontEnd([["username": "alice", "password": "typed-right"]])
        let front = SavedPasswordFrontEnd(wrapping: person, vault: try vault(), gateway: gateway, savedUser: "alice")
        let answer12 = await front.fillForm(combinedForm)
        XCTAssertEqual(revealed(answer12)?["password"], "saved-pass")
        var refused = combinedForm
        refused.error = "Login failed."
        let answer13 = await front.fillForm(refused)
        XCTAssertEqual(revealed(answer13)?["password"], "typed-right")
        let asked = await person.asked
        XCTAssertEqual(asked.count, 1, "the person was asked once, after the refusal")
        // The person's answer was refused too: the person again, never the saved password.
        let answer14 = await front.fillForm(refused)
        XCTAssertNil(answer14, "the script has no more answers: nil, no loop")
        let askedAgain = await person.asked
        XCTAssertEqual(askedAgain.count, 2)
    }

    func testOcservsSameFormAgainAfterTheSavedPasswordCountsAsARefusal() async throws {
        // ocserv answers a wrong password with the same form, "Login failed." in the message, no error.
        let person = ScriptedFrontEnd([["username": "alice"], ["password": "typed-right"]])
        let front = SavedPasswordFrontEnd(wrapping: person, vault: try vault(), gateway: gateway, savedUser: nil)
        _ = await front.fillForm(usernameForm)
        let answer15 = await front.fillForm(passwordForm)
        XCTAssertEqual(revealed(answer15), ["password": "saved-pass"])
        var again = passwordForm
        again.message = "Login failed."
        let answer16 = await front.fillForm(again)
        XCTAssertEqual(revealed(answer16), ["password": "typed-right"])
        // Still this round: a third password form is the person's too.
        let answer17 = await front.fillForm(again)
        XCTAssertNil(answer17)
        let asked = await person.asked
        XCTAssertEqual(asked.count, 3)
    }

    func testANewLoginRoundMayUseTheSavedPasswordAgain() async throws {
        // A reconnect's fresh login starts with the user-name form: the saved password is tried again.
        let person = ScriptedFrontEnd([["username": "alice"], ["password": "typed"], ["username": "alice"]])
        let front = SavedPasswordFrontEnd(wrapping: person, vault: try vault(), gateway: gateway, savedUser: nil)
        _ = await front.fillForm(usernameForm)
        _ = await front.fillForm(passwordForm)  // saved
        _ = await front.fillForm(passwordForm)  // refused → typed
        _ = await front.fillForm(usernameForm)  // a new round
        let answer18 = await front.fillForm(passwordForm)
        XCTAssertEqual(revealed(answer18), ["password": "saved-pass"])
    }

    // MARK: saving

    func testATypedPasswordIsSavedOnlyByCommit() async throws {
        let vault = try vault(with: nil)
        let person = ScriptedFrontEnd([["username": "alice"], ["password": "typed"]])
        let front = SavedPasswordFrontEnd(wrapping: person, vault: vault, gateway: gateway, savedUser: nil,
                                          autofill: false, saveRequested: true)
        _ = await front.fillForm(usernameForm)
        _ = await front.fillForm(passwordForm)
        XCTAssertEqual(vault.count, 0, "nothing written before the login succeeded")
        let outcome = try await front.commit()
        XCTAssertEqual(outcome, .saved(user: "alice"))
        XCTAssertEqual(try vault.password(gateway: gateway, user: "alice")?.reveal(), "typed")
        let again = try await front.commit()
        XCTAssertEqual(again, .nothingTyped, "committed once")
    }

    func testARefusedLoginNeverReachesTheVault() async throws {
        let vault = try vault(with: nil)
        let person = ScriptedFrontEnd([["username": "alice", "password": "wrong"]])
        let front = SavedPasswordFrontEnd(wrapping: person, vault: vault, gateway: gateway, savedUser: nil,
                                          saveRequested: true)
        _ = await front.fillForm(combinedForm)
        // The engine threw: the caller never commits; discarding makes sure a later commit cannot save it.
        await front.discardPending()
        let outcome = try await front.commit()
        XCTAssertEqual(outcome, .nothingTyped)
        XCTAssertEqual(vault.count, 0)
    }

    func testAfterARefusalTheCorrectedPasswordIsTheOneSaved() async throws {
        let vault = try vault(with: nil)
        let person = ScriptedFrontEnd([["username": "alice", "password": "wrong"], ["username": "alice", "password": "right"]])
        let front = SavedPasswordFrontEnd(wrapping: person, vault: vault, gateway: gateway, savedUser: nil, saveRequested: true)
        _ = await front.fillForm(combinedForm)
        var refused = combinedForm
        refused.error = "Login failed."
        _ = await front.fillForm(refused)
        let outcome = try await front.commit()
        XCTAssertEqual(outcome, .saved(user: "alice"))
        XCTAssertEqual(try vault.password(gateway: gateway, user: "alice")?.reveal(), "right")
    }

    func testASecondFactorIsNotSavedAsThePassword() async throws {
        let vault = try vault(with: nil)
        let person = ScriptedFrontEnd([["username": "alice", "password": "typed"], ["answer": "123456"]])
        let front = SavedPasswordFrontEnd(wrapping: person, vault: vault, gateway: gateway, savedUser: nil, saveRequested: true)
        _ = await front.fillForm(combinedForm)
        _ = await front.fillForm(challengeForm)
        _ = try await front.commit()
        XCTAssertEqual(try vault.password(gateway: gateway, user: "alice")?.reveal(), "typed")
    }

    func testTheSameQuestionTwiceWithoutAnErrorSavesNothing() async throws {
        // ocserv's retry ("Login failed." in the message) and its OTP step both ask `password` again.
        let vault = try vault(with: nil)
        let person = ScriptedFrontEnd([["username": "carol"], ["password": "otp-pass"], ["password": "123456"]])
        let front = SavedPasswordFrontEnd(wrapping: person, vault: vault, gateway: gateway, savedUser: nil, saveRequested: true)
        _ = await front.fillForm(usernameForm)
        _ = await front.fillForm(passwordForm)
        _ = await front.fillForm(passwordForm)
        let outcome = try await front.commit()
        XCTAssertEqual(outcome, .ambiguous)
        XCTAssertEqual(vault.count, 0)
    }

    func testSavingIsOptIn() async throws {
        let vault = try vault(with: nil)
        let person = ScriptedFrontEnd([["username": "alice", "password": "typed"]])
        let front = SavedPasswordFrontEnd(wrapping: person, vault: vault, gateway: gateway, savedUser: nil)
        _ = await front.fillForm(combinedForm)
        let outcome = try await front.commit()
        XCTAssertEqual(outcome, .notRequested)
        XCTAssertEqual(vault.count, 0)
    }

    func testTheInnerFrontEndsSaveRequestIsHonouredAndNeverReachesTheEngine() async throws {
        let vault = try vault(with: nil)
        let person = ScriptedFrontEnd([["username": "alice", "password": "typed", SavedPasswordFrontEnd.saveRequestField: "1"]])
        let front = SavedPasswordFrontEnd(wrapping: person, vault: vault, gateway: gateway, savedUser: nil)
        let answers = await front.fillForm(combinedForm)
        XCTAssertEqual(revealed(answers), ["username": "alice", "password": "typed"])
        let outcome = try await front.commit()
        XCTAssertEqual(outcome, .saved(user: "alice"))
    }

    func testNoUserNameNothingToFileItUnder() async throws {
        let person = ScriptedFrontEnd([["password": "typed"]])
        let front = SavedPasswordFrontEnd(wrapping: person, vault: try vault(with: nil), gateway: gateway, savedUser: nil,
                                          saveRequested: true)
        _ = await front.fillForm(passwordForm)
        let outcome = try await front.commit()
        XCTAssertEqual(outcome, .noUserName)
    }

    func testAVaultThatCannotSaveThrowsWordsAndNoSecret() async throws {
        let vault = try vault(with: nil)
        let person = ScriptedFrontEnd([["username": "alice", "password": "typed-secret"]])
        let front = SavedPasswordFrontEnd(wrapping: person, vault: vault, gateway: gateway, savedUser: nil, saveRequested: true)
        _ = await front.fillForm(combinedForm)
        vault.fail(with: .failed(operation: "save the password", message: "Cannot create an item in a locked collection"))
        do {
            _ = try await front.commit()
            XCTFail("a failing vault throws")
        } catch {
            XCTAssertTrue(error.description.contains("locked collection"), error.description)
            XCTAssertTrue(error.description.contains("unlock"), "says what to do: \(error.description)")
            XCTAssertFalse(error.description.contains("typed-secret"))
        }
    }

    func testANoteNeverCarriesThePassword() async throws {
        let notes = NoteBox()
        let front = SavedPasswordFrontEnd(wrapping: ScriptedFrontEnd(), vault: try vault(), gateway: gateway,
                                          savedUser: "alice", note: { notes.add($0) })
        _ = await front.fillForm(combinedForm)
        var refused = combinedForm
        refused.error = "Login failed."
        _ = await front.fillForm(refused)
        XCTAssertEqual(notes.lines.count, 2, "\(notes.lines)")
        XCTAssertTrue(notes.lines.allSatisfy { !$0.contains("saved-pass") })
    }

    // MARK: forwarding

    func testGroupsTrustIdentityAndLoginURLsGoToThePersonUnchanged() async throws {
        let person = ScriptedFrontEnd()
        let front = SavedPasswordFrontEnd(wrapping: person, vault: try vault(), gateway: gateway, savedUser: "alice")
        let option = FormOption(value: "g2", label: "Group Two", selected: true)
        let chosen = await front.chooseGroup(GroupChoice(label: "Group:", options: [option], defaultOption: option, message: nil))
        XCTAssertEqual(chosen, option)
        let report = CertificateReport(host: "h", port: 443, subject: "CN=h", issuer: "CN=h", notBefore: "", notAfter: "",
                                       subjectAltNames: [], pin: "pin-sha256:abc=", sha1: "AA", spkiSHA256Hex: "",
                                       spkiSHA1Hex: "", reasons: ["self-signed certificate"])
        let decision = await front.decideTrust(TrustQuestion(report: report))
        XCTAssertEqual(decision, .once)
        let identity = await front.chooseIdentity(caNames: ["CN=ca"])
        XCTAssertEqual(identity, "/certs/me.pem")
        let opened = await front.openLoginURL("https://idp.example.com/login")
        XCTAssertEqual(opened, BrowserOpening(browser: "firefox", problem: nil))
        let urls = await person.loginURLs
        XCTAssertEqual(urls, ["https://idp.example.com/login"])
        let groups = await person.groupsAsked, trust = await person.trustAsked, identities = await person.identityAsked
        XCTAssertEqual(groups, 1)
        XCTAssertEqual(trust, 1)
        XCTAssertEqual(identities, [["CN=ca"]])
    }
}

/// Notes collected from the front end's callback.
final class NoteBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func add(_ line: String) { lock.withLock { stored.append(line) } }
    var lines: [String] { lock.withLock { stored } }
}

/// A gateway that repeats its form word for word, and relogins.
final class SavedPasswordRepeatTests: XCTestCase {
    private let gateway = "vpn.example.com:443"
    private let combinedForm = AuthForm(message: "Log in", fields: [
        FormField(kind: .text, name: "username", label: "Username:"),
        FormField(kind: .password, name: "password", label: "Password:"),
    ])

    private func front(_ person: ScriptedFrontEnd) throws -> SavedPasswordFrontEnd {
        let vault = MemoryVault()
        try vault.save(Secret("saved-pass"), gateway: gateway, user: "alice")
        return SavedPasswordFrontEnd(wrapping: person, vault: vault, gateway: gateway, savedUser: "alice")
    }

    func testASilentlyRepeatedFormGetsTheSavedPasswordTwiceAtMost() async throws {
        let person = ScriptedFrontEnd()
        let front = try front(person)
        let first = await front.fillForm(combinedForm), second = await front.fillForm(combinedForm)
        XCTAssertEqual(first?["password"]?.reveal(), "saved-pass")
        XCTAssertEqual(second?["password"]?.reveal(), "saved-pass", "perhaps a relogin")
        let third = await front.fillForm(combinedForm)
        XCTAssertNil(third, "the person is asked (the script has nothing): no loop")
        let asked = await person.asked
        XCTAssertEqual(asked.count, 1)
    }

    func testAfterASucceededLoginARelatedReloginUsesTheSavedPasswordAgain() async throws {
        let person = ScriptedFrontEnd()
        let front = try front(person)
        for _ in 0..<3 {
            let answers = await front.fillForm(combinedForm)
            XCTAssertEqual(answers?["password"]?.reveal(), "saved-pass")
            await front.loginSucceeded()
        }
        let asked = await person.asked
        XCTAssertTrue(asked.isEmpty)
    }
}
