@testable import Engine
import Foundation
import GatewayProtocol
import TUI
import XCTest

/// Every screen and dialog as text, at 80x24 and 120x40 (Snapshots/*.txt).
final class ScreenSnapshotTests: XCTestCase {
    private static let sizes = [(80, 24), (120, 40)]

    private func snapshot(_ name: String, _ model: TUIModel, now: Double, file: StaticString = #filePath,
                          line: UInt = #line) {
        for (width, height) in Self.sizes {
            var grid = ScreenGrid(width: width, height: height)
            model.render(into: &grid, now: Fixtures.t0 + now)
            Snapshot.assert(grid, named: "\(name)-\(width)x\(height)", file: file, line: line)
        }
    }

    private var home: TUIModel {
        TUIModel(theme: .dark, gateways: Fixtures.gateways, history: Fixtures.history,
                 timeZone: TimeZone(identifier: "UTC")!)
    }

    func testGateways() {
        snapshot("gateways", home, now: 0)
    }

    func testGatewaysWithPinSelectedAndFilter() {
        var model = home
        for key: Key in [.character("/"), .character("l"), .character("a")] { _ = model.handle(key, now: Fixtures.t0) }
        snapshot("gateways-filter", model, now: 0)
    }

    func testGatewaysEmpty() {
        snapshot("gateways-empty", TUIModel(theme: .dark), now: 0)
    }

    func testPhasesWhileAuthenticating() {
        var model = Fixtures.model(Fixtures.authenticating)
        _ = model.handle(.up, now: Fixtures.t0)
        _ = model.handle(.up, now: Fixtures.t0)
        _ = model.handle(.enter, now: Fixtures.t0)
        snapshot("phases-authenticating", model, now: 3.2)
    }

    func testPhasesWhileTheGatewayHoldsTheLogin() {
        let model = Fixtures.model(Fixtures.authenticating + [(5.0, .waiting(.userAuth, elapsed: 2, timeout: 300))],
                                   screen: .phases)
        snapshot("phases-waiting-for-approval", model, now: 17.4)
    }

    func testSingleSignOnWithTheQRCodeAndTheSSHHint() {
        let progress = SSOProgress(state: .started, mode: .external, loginURL: "https://vpn.example.com/+CSCOE+/saml/sp/login?tgname=eng",
                                   timeoutSeconds: 300, browser: nil, overSSH: true,
                                   message: "no browser could be started here (no DISPLAY)", callbackPort: 29786)
        let model = Fixtures.model(Fixtures.authenticating + [(5.0, .sso(progress))], screen: .phases)
        snapshot("sso-external-over-ssh", model, now: 65.0)
    }

    func testPhasesWithDTLSBackoff() {
        snapshot("phases-dtls-backoff", Fixtures.model(Fixtures.connecting, screen: .phases), now: 8.6)
    }

    func testPhasesAfterFailure() {
        let events = Fixtures.authenticating + [
            (4.0, EngineEvent.phase(.userAuth, .failed, milliseconds: 2387, detail: [("reason", "authentication refused: Login failed.")])),
            (4.0, EngineEvent.error(code: 3, message: "authentication refused: Login failed.")),
        ]
        snapshot("phases-failed", Fixtures.model(events), now: 5)
    }

    func testChannelsConnectedOverDTLS() {
        snapshot("channels-dtls", Fixtures.model(Fixtures.connected), now: 3_735.5)
    }

    func testChannelsDuringDTLSBackoff() {
        snapshot("channels-backoff", Fixtures.model(Fixtures.connecting, screen: .channels), now: 8.6)
    }

    func testChannelsAfterDTLSGaveUp() {
        let events = Fixtures.connecting + [
            (40.0, EngineEvent.channel(ChannelInfo(channel: .dtls, state: .failed, reason: "no answer after 5 attempts"))),
            (40.0, EngineEvent.phase(.dtls, .failed, milliseconds: 33_590, detail: [("reason", "no answer after 5 attempts")])),
            (40.1, EngineEvent.reconfigured(mtu: 1406, reason: "DTLS gave up: X-CSTP-MTU applies")),
        ]
        snapshot("channels-dtls-failed", Fixtures.model(events, screen: .channels), now: 41)
    }

    func testHistory() {
        var model = home
        _ = model.handle(.character("4"), now: Fixtures.t0)
        snapshot("history", model, now: 0)
    }

    func testHelp() {
        var model = home
        _ = model.handle(.character("?"), now: Fixtures.t0)
        snapshot("help", model, now: 0)
    }

    func testGroupPicker() {
        var model = Fixtures.model(Array(Fixtures.authenticating.prefix(4)))
        model.present(.group(GroupPicker(Fixtures.choice)))
        snapshot("dialog-group", model, now: 0.5)
    }

    func testFormMasksPasswords() {
        var model = Fixtures.model(Fixtures.authenticating)
        var form = FormDialog(Fixtures.form, gateway: "office")
        for key: Key in [.tab, .character("s"), .character("3"), .character("c"), .character("r"), .character("t")] {
            _ = form.handle(key)
        }
        model.present(.form(form))
        snapshot("dialog-form", model, now: 2)
        var grid = ScreenGrid(width: 80, height: 24)
        model.render(into: &grid, now: Fixtures.t0 + 2)
        XCTAssertFalse(grid.text().contains("s3crt"), "a password must never reach the screen")
        XCTAssertTrue(grid.text().contains("*****_"))
    }

    func testCertificatePrompt() {
        var model = Fixtures.model([(0, .phase(.tls, .started, milliseconds: nil, detail: []))])
        model.present(.certificate(CertificatePrompt(TrustQuestion(report: Fixtures.report), openedAt: Fixtures.t0 - 5)))
        snapshot("dialog-certificate", model, now: 0.2)
    }

    func testCertificatePromptJustOpenedSaysKeysWaitAMoment() {
        var model = Fixtures.model([(0, .phase(.tls, .started, milliseconds: nil, detail: []))])
        model.present(.certificate(CertificatePrompt(TrustQuestion(report: Fixtures.report), openedAt: Fixtures.t0)))
        snapshot("dialog-certificate-settling", model, now: 0.2)
    }

    func testCertificatePromptAfterStrayEnter() {
        var model = Fixtures.model([(0, .phase(.tls, .started, milliseconds: nil, detail: []))])
        model.present(.certificate(CertificatePrompt(TrustQuestion(report: Fixtures.report), openedAt: Fixtures.t0 - 5)))
        XCTAssertEqual(model.handle(.enter, now: Fixtures.t0), .none)
        snapshot("dialog-certificate-enter", model, now: 0.2)
    }

    func testCertificateMismatchSideBySide() {
        var model = Fixtures.model([(0, .phase(.tls, .started, milliseconds: nil, detail: []))])
        model.present(.certificate(CertificatePrompt(TrustQuestion(report: Fixtures.validReport, pinnedBefore: [Fixtures.oldPin]), openedAt: Fixtures.t0 - 5)))
        snapshot("dialog-certificate-mismatch", model, now: 0.2)
    }

    func testIdentityPicker() {
        var model = Fixtures.model([(0, .phase(.tls, .started, milliseconds: nil, detail: []))])
        model.present(.identity(IdentityPicker(
            files: ["~/.config/swiftgate/certs/alice.p12", "~/.config/swiftgate/certs/alice-2024.pem",
                    "/etc/ssl/private/host.pem"],
            caNames: ["CN=Example User CA, O=Example Corp"])))
        snapshot("dialog-identity", model, now: 0.1)
    }

    func testDisconnectConfirmation() {
        var model = Fixtures.model(Fixtures.connected)
        XCTAssertEqual(model.handle(.character("d"), now: Fixtures.t0), .none)
        snapshot("dialog-confirm-disconnect", model, now: 20)
    }

    func testTooSmall() {
        var grid = ScreenGrid(width: 50, height: 12)
        home.render(into: &grid, now: 0)
        Snapshot.assert(grid, named: "too-small-50x12")
        var edge = ScreenGrid(width: 59, height: 16)
        home.render(into: &edge, now: 0)
        XCTAssertTrue(edge.text().contains("Terminal too small"))
        var fits = ScreenGrid(width: 60, height: 16)
        home.render(into: &fits, now: 0)
        XCTAssertFalse(fits.text().contains("Terminal too small"))
    }

    func testASCIIFallback() {
        var model = Fixtures.model(Fixtures.connected)
        model.theme = ThemeSelection.resolve(name: nil, noColor: false, environment: ["TERM": "dumb"]).theme
        var grid = ScreenGrid(width: 80, height: 24)
        model.render(into: &grid, now: Fixtures.t0 + 20)
        Snapshot.assert(grid, named: "channels-ascii-80x24")
        XCTAssertTrue(grid.text().unicodeScalars.allSatisfy(\.isASCII))
    }
}
