@testable import Engine
import GatewayProtocol
import TUI
import XCTest

/// Keys through the whole model: outcomes for the executable, confirmations first where they matter.
final class TUIModelTests: XCTestCase {
    private var home: TUIModel { TUIModel(gateways: Fixtures.gateways, history: Fixtures.history) }

    func testEnterConnectsTheSelectedGateway() {
        var model = home
        XCTAssertEqual(model.handle(.character("j")), .none)
        XCTAssertEqual(model.handle(.enter), .connect(gateway: "lab"))
    }

    func testAddEditDeleteWithConfirmation() {
        var model = home
        XCTAssertEqual(model.handle(.character("a")), .add)
        XCTAssertEqual(model.handle(.character("e")), .edit(gateway: "office"))
        XCTAssertEqual(model.handle(.character("d")), .none, "delete asks first")
        XCTAssertNotNil(model.dialog)
        XCTAssertEqual(model.handle(.character("n")), .none)
        XCTAssertNil(model.dialog)
        _ = model.handle(.character("d"))
        XCTAssertEqual(model.handle(.character("y")), .delete(gateway: "office"))
    }

    func testFilterNarrowsTheListAndEscapeClearsIt() {
        var model = home
        for key: Key in [.character("/"), .character("p"), .character("a"), .character("r")] { _ = model.handle(key) }
        XCTAssertEqual(model.gateways.visible.map(\.name), ["paris-dc"])
        XCTAssertEqual(model.handle(.character("q")), .none, "q is text while filtering")
        XCTAssertEqual(model.gateways.filter, "parq")
        _ = model.handle(.backspace)
        XCTAssertEqual(model.handle(.enter), .none, "Enter keeps the filter")
        XCTAssertEqual(model.handle(.enter), .connect(gateway: "paris-dc"))
        _ = model.handle(.escape)
        XCTAssertEqual(model.gateways.visible.count, 3)
    }

    func testFilterMatchesGroupAliases() {
        var state = GatewaysState(gateways: Fixtures.gateways)
        _ = state.handle(.character("/"))
        for character in "Operations" { _ = state.handle(.character(character)) }
        XCTAssertEqual(state.visible.map(\.name), ["office"])
    }

    func testQuitAsksOnlyWhileAConnectionIsUp() {
        var idle = home
        XCTAssertEqual(idle.handle(.character("q")), .quit)
        var connected = Fixtures.model(Fixtures.connected)
        XCTAssertEqual(connected.handle(.character("q")), .none)
        XCTAssertEqual(connected.handle(.escape), .none)
        XCTAssertEqual(connected.handle(.character("q")), .none)
        XCTAssertEqual(connected.handle(.character("y")), .quit)
    }

    func testDisconnectAndReconnectOnTheChannelsScreen() {
        var model = Fixtures.model(Fixtures.connected)
        XCTAssertEqual(model.screen, .channels, "connecting gives way to the channels once connected")
        XCTAssertEqual(model.handle(.character("r")), .reconnect)
        _ = model.handle(.character("d"))
        XCTAssertEqual(model.handle(.enter), .disconnect)
        model.apply(.disconnected(reason: "disconnected by the user"), at: 5_000)
        XCTAssertEqual(model.handle(.character("d")), .none, "nothing to disconnect")
        XCTAssertEqual(model.handle(.character("r")), .connect(gateway: "office"), "r after the end connects again")
    }

    func testScreensSwitchAndHelpReturns() {
        var model = home
        _ = model.handle(.character("4"))
        XCTAssertEqual(model.screen, .history)
        _ = model.handle(.character("?"))
        XCTAssertEqual(model.screen, .help)
        _ = model.handle(.escape)
        XCTAssertEqual(model.screen, .history)
        XCTAssertEqual(model.handle(.enter), .connect(gateway: "office"))
        _ = model.handle(.escape)
        XCTAssertEqual(model.screen, .gateways)
    }

    func testPromptsAnswerThroughTheModel() {
        var model = Fixtures.model(Fixtures.authenticating)
        model.present(.group(GroupPicker(Fixtures.choice)))
        XCTAssertEqual(model.handle(.character("q")), .none, "a prompt takes the keyboard")
        XCTAssertEqual(model.handle(.enter), .groupChosen(FormOption(value: "ops", label: "Operations", selected: true)))
        model.present(.form(FormDialog(AuthForm(fields: [FormField(kind: .password, name: "password", label: "Password:")]))))
        _ = model.handle(.character("x"))
        XCTAssertEqual(model.handle(.enter), .formAnswered(["password": Secret("x")]))
        model.present(.form(FormDialog(Fixtures.form)))
        XCTAssertEqual(model.handle(.escape), .formAnswered(nil))
        model.present(.identity(IdentityPicker(files: ["a.pem"])))
        XCTAssertEqual(model.handle(.escape), .identityChosen(nil))
    }

    func testAPromptReplacesAConfirmationButNotTheOtherWayRound() {
        var model = Fixtures.model(Fixtures.connected)
        _ = model.handle(.character("d"))
        model.present(.certificate(CertificatePrompt(TrustQuestion(report: Fixtures.report))))
        guard case .certificate? = model.dialog else { return XCTFail("the engine's question wins") }
        model.present(.confirm(ConfirmDialog(title: "Quit", message: "?"), .quit))
        guard case .certificate? = model.dialog else { return XCTFail("a confirmation never hides a prompt") }
    }

    func testTimelineFollowsTheAttemptUntilTheUserMoves() {
        var model = Fixtures.model(Fixtures.authenticating)
        XCTAssertEqual(model.phases.selected, .userAuth)
        _ = model.handle(.up)
        model.apply(.phase(.userAuth, .done, milliseconds: 10, detail: []), at: 2_000)
        model.apply(.phase(.download, .started, milliseconds: nil, detail: []), at: 2_000)
        XCTAssertEqual(model.phases.selected, .groupSelect)
        _ = model.handle(.enter)
        XCTAssertEqual(model.phases.expanded, [.groupSelect])
        _ = model.handle(.left)
        XCTAssertEqual(model.phases.expanded, [])
    }
}
