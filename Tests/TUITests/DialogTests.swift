@testable import Engine
import GatewayProtocol
import TUI
import XCTest

/// The dialogs as state machines: keys in, pending / done / cancelled out.
final class DialogTests: XCTestCase {
    // MARK: Certificate

    func testStrayEnterNeverTrusts() {
        var prompt = CertificatePrompt(TrustQuestion(report: Fixtures.report), openedAt: 0)
        for key: Key in [.enter, .enter, .character(" "), .character("y"), .tab, .right] {
            XCTAssertEqual(prompt.handle(key, now: 5), .pending, "\(key) must not answer the certificate prompt")
        }
        XCTAssertNotNil(prompt.notice)
    }

    func testEscapeAndCCancel() {
        var prompt = CertificatePrompt(TrustQuestion(report: Fixtures.report), openedAt: 0)
        XCTAssertEqual(prompt.handle(.escape, now: 5), .cancelled)
        XCTAssertEqual(prompt.handle(.character("c"), now: 5), .cancelled)
    }

    func testExplicitLettersAnswer() {
        var prompt = CertificatePrompt(TrustQuestion(report: Fixtures.report), openedAt: 0)
        XCTAssertEqual(prompt.handle(.character("o"), now: 5), .done(.once))
        XCTAssertEqual(prompt.handle(.character("t"), now: 5), .done(.always))
        XCTAssertEqual(prompt.handle(.character("a"), now: 5), .pending, "a adds a gateway elsewhere: never trusts")
        XCTAssertEqual(prompt.handle(.character("A"), now: 5), .pending, "keys are exact: no shift-guessing")
    }

    /// Issue 13, item 5: the prompt replaces the screen and takes the next key, so a key typed as it opens (meant
    /// for the screen before it) is ignored; only once it has been on screen a moment do keys answer.
    func testKeysTypedAsThePromptOpensAreIgnored() {
        var model = TUIModel()
        model.present(.certificate(CertificatePrompt(TrustQuestion(report: Fixtures.report), openedAt: 10)))
        for key: Key in [.character("t"), .character("o"), .escape] {
            XCTAssertEqual(model.handle(key, now: 10.3), .none, "\(key) right after the prompt opened")
        }
        XCTAssertNotNil(model.dialog, "still asking")
        var early = ScreenGrid(width: 100, height: 30)
        model.render(into: &early, now: 10.5)
        XCTAssertTrue(early.text().contains("Too soon: read the prompt first"), early.text())
        var settled = ScreenGrid(width: 100, height: 30)
        model.render(into: &settled, now: 11.5)
        XCTAssertTrue(settled.text().contains("a stray key never trusts"), "settled: the usual reminder")
        XCTAssertEqual(model.handle(.character("t"), now: 10 + CertificatePrompt.settleSeconds), .trustDecided(.always))
    }

    func testModelMapsCertificateCancelToTheEnginesCancel() {
        var model = TUIModel()
        model.present(.certificate(CertificatePrompt(TrustQuestion(report: Fixtures.report), openedAt: 0)))
        XCTAssertEqual(model.handle(.enter, now: 5), .none)
        XCTAssertNotNil(model.dialog, "Enter leaves the prompt open")
        XCTAssertEqual(model.handle(.escape, now: 5), .trustDecided(.cancel))
        XCTAssertNil(model.dialog)
    }

    func testMismatchShowsOldAndNewPinsSideBySide() {
        let prompt = CertificatePrompt(TrustQuestion(report: Fixtures.validReport, pinnedBefore: [Fixtures.oldPin]), openedAt: 0)
        var grid = ScreenGrid(width: 120, height: 40)
        prompt.render(into: &grid, theme: .dark, now: 5)
        let rows = grid.text().components(separatedBy: "\n")
        let header = rows.first { $0.contains("Pinned before") }
        XCTAssertNotNil(header)
        XCTAssertTrue(header?.contains("Presented now") == true, "old and new on the same rows")
        XCTAssertTrue(grid.text().contains("9sP0mK3QxY2b7fVn"))
        XCTAssertTrue(grid.text().contains("lL6Q0j3n2YX7eV0z"))
    }

    // MARK: Group picker

    func testGroupPickerPreselectsTheDefault() {
        var picker = GroupPicker(Fixtures.choice)
        XCTAssertEqual(picker.selection.index, 1)
        XCTAssertEqual(picker.handle(.enter), .done(FormOption(value: "ops", label: "Operations", selected: true)))
    }

    func testGroupPickerMovesWithArrowsAndJK() {
        var picker = GroupPicker(Fixtures.choice)
        XCTAssertEqual(picker.handle(.character("j")), .pending)
        XCTAssertEqual(picker.handle(.down), .pending, "stops at the last option")
        XCTAssertEqual(picker.handle(.enter), .done(FormOption(value: "guest", label: "Guests")))
        XCTAssertEqual(picker.handle(.character("k")), .pending)
        XCTAssertEqual(picker.handle(.up), .pending)
        XCTAssertEqual(picker.handle(.up), .pending)
        XCTAssertEqual(picker.handle(.enter), .done(FormOption(value: "eng", label: "Engineering")))
        XCTAssertEqual(picker.handle(.escape), .cancelled)
    }

    func testGroupPickerWithoutDefaultStartsAtTheFirst() {
        var choice = Fixtures.choice
        choice.defaultOption = nil
        choice.options = choice.options.map { FormOption(value: $0.value, label: $0.label) }
        XCTAssertEqual(GroupPicker(choice).selection.index, 0)
    }

    // MARK: Form

    func testFormEditsMovesAndSubmitsEveryField() {
        var form = FormDialog(Fixtures.form)
        XCTAssertEqual(form.fields.map(\.name), ["username", "password", "token_type", "secondary_password"],
                       "hidden fields are not asked")
        XCTAssertEqual(form.handle(.backspace), .pending)
        XCTAssertEqual(form.handle(.character("x")), .pending)
        XCTAssertEqual(form.values[0], "alicx")
        XCTAssertEqual(form.handle(.tab), .pending)
        for character in "pa ss" { _ = form.handle(.character(character)) }
        XCTAssertEqual(form.display(1), "*****")
        XCTAssertEqual(form.handle(.enter), .pending, "Enter before the last field moves on")
        XCTAssertEqual(form.focus, 2)
        XCTAssertEqual(form.values[2], "push", "a list starts on its default")
        _ = form.handle(.right)
        XCTAssertEqual(form.values[2], "sms")
        _ = form.handle(.character("q"))
        XCTAssertEqual(form.values[2], "sms", "typing does not edit a list")
        _ = form.handle(.backTab)
        _ = form.handle(.control("u"))
        XCTAssertEqual(form.values[1], "")
        _ = form.handle(.character("p"))
        _ = form.handle(.down)
        _ = form.handle(.down)
        _ = form.handle(.character("1"))
        guard case .done(let answers) = form.handle(.enter) else { return XCTFail("Enter on the last field sends") }
        XCTAssertEqual(answers["username"], Secret("alicx"))
        XCTAssertEqual(answers["password"], Secret("p"))
        XCTAssertEqual(answers["token_type"], Secret("sms"))
        XCTAssertEqual(answers["secondary_password"], Secret("1"))
        XCTAssertNil(answers["tgroup"])
    }

    func testFormEscapeCancels() {
        var form = FormDialog(Fixtures.form)
        XCTAssertEqual(form.handle(.escape), .cancelled)
    }

    func testFormIgnoresTheCancelKeysOfOtherDialogs() {
        var form = FormDialog(AuthForm(fields: [FormField(kind: .text, name: "answer", label: "Answer:")]))
        for character in "qcj?/" { _ = form.handle(.character(character)) }
        XCTAssertEqual(form.values, ["qcj?/"], "letters are text in a form")
    }

    func testPasswordIsMaskedOnScreen() {
        var form = FormDialog(Fixtures.form)
        _ = form.handle(.tab)
        for character in "hunter2" { _ = form.handle(.character(character)) }
        var grid = ScreenGrid(width: 80, height: 24)
        form.render(into: &grid, theme: .dark)
        XCTAssertFalse(grid.text().contains("hunter2"))
        XCTAssertTrue(grid.text().contains("*******_"))
        XCTAssertTrue(grid.text().contains("alice"), "text fields show what was typed")
    }

    // MARK: Identity and confirmation

    func testIdentityPicker() {
        var picker = IdentityPicker(files: ["a.pem", "b.p12"])
        XCTAssertEqual(picker.handle(.down), .pending)
        XCTAssertEqual(picker.handle(.enter), .done("b.p12"))
        XCTAssertEqual(picker.handle(.escape), .cancelled)
        var empty = IdentityPicker(files: [])
        XCTAssertEqual(empty.handle(.enter), .pending)
    }

    func testConfirmation() {
        let dialog = ConfirmDialog(title: "Quit", message: "Quit?")
        XCTAssertEqual(dialog.handle(.character("y")), .done(true))
        XCTAssertEqual(dialog.handle(.enter), .done(true))
        XCTAssertEqual(dialog.handle(.character("n")), .cancelled)
        XCTAssertEqual(dialog.handle(.escape), .cancelled)
        XCTAssertEqual(dialog.handle(.character("q")), .pending)
    }
}
