import GatewayProtocol
import TUI
import XCTest

/// Issue 15, item 5: the login dialog's "save password" toggle, offered only where the app says a Secret Service
/// runs, and the gateways screen's key to forget a saved password.
final class SavePasswordToggleTests: XCTestCase {
    private let key = "\u{1}save"

    private func rendered(_ form: FormDialog) -> String {
        var grid = ScreenGrid(width: 100, height: 30)
        form.render(into: &grid, theme: .dark)
        return grid.text()
    }

    func testNotOfferedTheToggleDoesNothingAndShowsNothing() {
        var form = FormDialog(Fixtures.form)
        XCTAssertEqual(form.handle(.control("s")), .pending)
        XCTAssertFalse(form.savePassword)
        XCTAssertFalse(rendered(form).contains("Save the password"))
        form.focus(onLast: true)
        guard case .done(let answers) = form.handle(.enter) else { return XCTFail("sends") }
        XCTAssertNil(answers[key])
    }

    func testOfferedCtrlSTogglesItAndTheAnswerCarriesTheRequest() {
        var form = FormDialog(Fixtures.form)
        form.saveRequestKey = key
        XCTAssertTrue(rendered(form).contains("[ ] Save the password in the keyring (Ctrl-S)"), rendered(form))
        _ = form.handle(.control("s"))
        XCTAssertTrue(form.savePassword)
        XCTAssertTrue(rendered(form).contains("[x] Save the password"))
        form.focus(onLast: true)
        guard case .done(let answers) = form.handle(.enter) else { return XCTFail("sends") }
        XCTAssertEqual(answers[key], Secret("1"))
        XCTAssertEqual(answers["username"], Secret("alice"), "the fields are answered as before")
    }

    func testOfferedButLeftOffTheAnswerAsksNothing() {
        var form = FormDialog(Fixtures.form)
        form.saveRequestKey = key
        _ = form.handle(.control("s"))
        _ = form.handle(.control("s"))
        form.focus(onLast: true)
        guard case .done(let answers) = form.handle(.enter) else { return XCTFail("sends") }
        XCTAssertNil(answers[key])
    }

    func testShiftPOnTheGatewaysScreenForgetsTheSelectedGatewaysPassword() {
        var model = TUIModel(gateways: Fixtures.gateways, history: Fixtures.history)
        guard case .forgetPassword(let name) = model.handle(.character("P"), now: 0) else {
            return XCTFail("P asks to forget the saved password")
        }
        XCTAssertEqual(name, Fixtures.gateways.first?.name)
    }
}

private extension FormDialog {
    /// Moves to the last field with Tab, so Enter sends.
    mutating func focus(onLast: Bool) {
        for _ in fields.indices { _ = handle(.tab) }
    }
}
