@testable import Engine
import GatewayProtocol
import TUI
import XCTest

/// Keys through the whole model: outcomes for the executable, confirmations first where they matter.
final class TUIModelTests: XCTestCase {
    private var home: TUIModel { TUIModel(gateways: Fixtures.gateways, history: Fixtures.history) }

    func testEnterConnectsTheSelectedGateway() {
        var model = home
        XCTAssertEqual(model.handle(.character("j"), now: 0), .none)
        XCTAssertEqual(model.handle(.enter, now: 0), .connect(gateway: "lab"))
    }

    func testAddEditDeleteWithConfirmation() {
        var model = home
        XCTAssertEqual(model.handle(.character("a"), now: 0), .add)
        XCTAssertEqual(model.handle(.character("e"), now: 0), .edit(gateway: "office"))
        XCTAssertEqual(model.handle(.character("d"), now: 0), .none, "delete asks first")
        XCTAssertNotNil(model.dialog)
        XCTAssertEqual(model.handle(.character("n"), now: 0), .none)
        XCTAssertNil(model.dialog)
        _ = model.handle(.character("d"), now: 0)
        XCTAssertEqual(model.handle(.character("y"), now: 0), .delete(gateway: "office"))
    }

    func testFilterNarrowsTheListAndEscapeClearsIt() {
        var model = home
        for key: Key in [.character("/"), .character("p"), .character("a"), .character("r")] { _ = model.handle(key, now: 0) }
        XCTAssertEqual(model.gateways.visible.map(\.name), ["paris-dc"])
        XCTAssertEqual(model.handle(.character("q"), now: 0), .none, "q is text while filtering")
        XCTAssertEqual(model.gateways.filter, "parq")
        _ = model.handle(.backspace, now: 0)
        XCTAssertEqual(model.handle(.enter, now: 0), .none, "Enter keeps the filter")
        XCTAssertEqual(model.handle(.enter, now: 0), .connect(gateway: "paris-dc"))
        _ = model.handle(.escape, now: 0)
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
        XCTAssertEqual(idle.handle(.character("q"), now: 0), .quit)
        var connected = Fixtures.model(Fixtures.connected)
        XCTAssertEqual(connected.handle(.character("q"), now: 0), .none)
        XCTAssertEqual(connected.handle(.escape, now: 0), .none)
        XCTAssertEqual(connected.handle(.character("q"), now: 0), .none)
        XCTAssertEqual(connected.handle(.character("y"), now: 0), .quit)
    }

    /// Through the service (issue 15): q leaves the connection up, Q (and only after a yes) disconnects.
    func testThroughTheServiceQDetachesAndShiftQDisconnects() {
        var connected = Fixtures.model(Fixtures.connected)
        connected.detachable = true
        XCTAssertEqual(connected.handle(.character("q"), now: 0), .detach)
        XCTAssertEqual(connected.handle(.character("Q"), now: 0), .none)
        XCTAssertEqual(connected.handle(.character("n"), now: 0), .none)
        XCTAssertEqual(connected.handle(.character("Q"), now: 0), .none)
        XCTAssertEqual(connected.handle(.character("y"), now: 0), .quit)
        var idle = home
        idle.detachable = true
        XCTAssertEqual(idle.handle(.character("q"), now: 0), .quit)
        XCTAssertEqual(idle.handle(.character("Q"), now: 0), .quit)
    }

    /// Through the service another gateway may be connected while one is up; in-process it may not.
    func testThroughTheServiceAnotherGatewayConnectsBesideTheFirst() {
        var connected = Fixtures.model(Fixtures.connected)
        connected.screen = .gateways
        let other = connected.gateways.gateways.first { $0.name != connected.session.gateway }?.name
        guard let other else { return XCTFail("the fixture has one gateway only") }
        let index = connected.gateways.gateways.firstIndex { $0.name == other }!
        for _ in 0..<index { _ = connected.handle(.down, now: 0) }
        var inProcess = connected
        XCTAssertEqual(inProcess.handle(.enter, now: 0), .none)
        connected.detachable = true
        XCTAssertEqual(connected.handle(.enter, now: 0), .connect(gateway: other))
    }

    func testDisconnectAndReconnectOnTheChannelsScreen() {
        var model = Fixtures.model(Fixtures.connected)
        XCTAssertEqual(model.screen, .channels, "connecting gives way to the channels once connected")
        XCTAssertEqual(model.handle(.character("r"), now: 0), .reconnect)
        _ = model.handle(.character("d"), now: 0)
        XCTAssertEqual(model.handle(.enter, now: 0), .disconnect)
        model.apply(.disconnected(reason: "disconnected by the user"), at: 5_000)
        XCTAssertEqual(model.handle(.character("d"), now: 0), .none, "nothing to disconnect")
        XCTAssertEqual(model.handle(.character("r"), now: 0), .connect(gateway: "office"), "r after the end connects again")
    }

    func testScreensSwitchAndHelpReturns() {
        var model = home
        _ = model.handle(.character("4"), now: 0)
        XCTAssertEqual(model.screen, .history)
        _ = model.handle(.character("?"), now: 0)
        XCTAssertEqual(model.screen, .help)
        _ = model.handle(.escape, now: 0)
        XCTAssertEqual(model.screen, .history)
        XCTAssertEqual(model.handle(.enter, now: 0), .connect(gateway: "office"))
        _ = model.handle(.escape, now: 0)
        XCTAssertEqual(model.screen, .gateways)
    }

    func testPromptsAnswerThroughTheModel() {
        var model = Fixtures.model(Fixtures.authenticating)
        model.present(.group(GroupPicker(Fixtures.choice)))
        XCTAssertEqual(model.handle(.character("q"), now: 0), .none, "a prompt takes the keyboard")
        XCTAssertEqual(model.handle(.enter, now: 0), .groupChosen(FormOption(value: "ops", label: "Operations", selected: true)))
        model.present(.form(FormDialog(AuthForm(fields: [FormField(kind: .password, name: "password", label: "Password:")]))))
        _ = model.handle(.character("x"), now: 0)
        XCTAssertEqual(model.handle(.enter, now: 0), .formAnswered(["password": Secret("x")]))
        model.present(.form(FormDialog(Fixtures.form)))
        XCTAssertEqual(model.handle(.escape, now: 0), .formAnswered(nil))
        model.present(.identity(IdentityPicker(files: ["a.pem"])))
        XCTAssertEqual(model.handle(.escape, now: 0), .identityChosen(nil))
    }

    func testAPromptReplacesAConfirmationButNotTheOtherWayRound() {
        var model = Fixtures.model(Fixtures.connected)
        _ = model.handle(.character("d"), now: 0)
        model.present(.certificate(CertificatePrompt(TrustQuestion(report: Fixtures.report), openedAt: 0)))
        guard case .certificate? = model.dialog else { return XCTFail("the engine's question wins") }
        model.present(.confirm(ConfirmDialog(title: "Quit", message: "?"), .quit))
        guard case .certificate? = model.dialog else { return XCTFail("a confirmation never hides a prompt") }
    }

    func testTimelineFollowsTheAttemptUntilTheUserMoves() {
        var model = Fixtures.model(Fixtures.authenticating)
        XCTAssertEqual(model.phases.selected, .userAuth)
        _ = model.handle(.up, now: 0)
        model.apply(.phase(.userAuth, .done, milliseconds: 10, detail: []), at: 2_000)
        model.apply(.phase(.download, .started, milliseconds: nil, detail: []), at: 2_000)
        XCTAssertEqual(model.phases.selected, .groupSelect)
        _ = model.handle(.enter, now: 0)
        XCTAssertEqual(model.phases.expanded, [.groupSelect])
        _ = model.handle(.left, now: 0)
        XCTAssertEqual(model.phases.expanded, [])
    }
}
