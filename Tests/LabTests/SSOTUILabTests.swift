import Foundation
import XCTest

/// Single sign-on in the full-screen interface (issue 11): the SSO box with the URL, its QR code drawn in the
/// terminal, the ssh -L hint over SSH, the countdown and Esc; and a login through it that brings the tunnel up.
final class SSOTUILabTests: LabTestCase {
    private func open(_ scenario: String, arguments: String, environment: (LabGateway) -> String) throws
        -> (LabGateway, TmuxScreen) {
        let lab = try start(["--asa"])
        let database = lab.stateDirectory + "/tui.sqlite"
        let add = try lab.swiftgate(["gateways", "add", "corp", lab["ASA_URL"] + "/" + scenario, "--db", database])
        XCTAssertEqual(add.exitCode, 0, add.allOutput)
        let screen = try TmuxScreen(lab, database: database, arguments: "--cafile \(lab["CA_FILE"]) " + arguments,
                                    environment: environment(lab))
        try screen.waitFor("Gateways (1)")
        try screen.keys("Enter")
        try screen.waitFor("Choose a group")
        try screen.keys("Enter")
        return (lab, screen)
    }

    func testTheSSOBoxShowsTheURLItsQRCodeAndTheSSHHintAndEscGivesUp() throws {
        let (lab, screen) = try open("sso-external", arguments: "--external-browser /bin/true",
                                     environment: { _ in "SSH_CONNECTION='198.18.0.9 50000 198.18.0.2 22'" })
        let box = try screen.waitFor("Single sign-on (external browser)", timeout: 30)
        XCTAssertTrue(box.contains(lab["ASA_URL"] + "/+CSCOE+/saml/sp/login"), box)
        XCTAssertTrue(box.contains("Over SSH, forward the callback first") && box.contains("29786:localhost:29786"), "the hint over SSH: \(box)")
        XCTAssertTrue(box.contains("left · Esc cancels"), box)
        // The QR code: rows of half blocks with the finder patterns' tops (a run of ▀ between two █).
        let rows = box.split(separator: "\n").filter { $0.contains("▀") || $0.contains("▄") }
        XCTAssertGreaterThan(rows.count, 10, "a QR code of the URL is drawn:\n\(box)")
        XCTAssertTrue(box.contains("█▀▀▀▀▀█") || box.contains("▄▄▄▄▄"), "finder patterns:\n\(box)")
        try screen.keys("Escape")
        try screen.waitFor("cancelled: stopped by the user", timeout: 15)
        XCTAssertTrue(try screen.quit().contains("swiftgate exited with 0"))
    }

    func testALoginThroughTheExternalBrowserBringsTheTunnelUp() throws {
        let curlBrowser = LabGateway.repositoryRoot + "/scripts/lab/curl-browser.sh"
        let (lab, screen) = try open("sso-external", arguments: "--external-browser \(curlBrowser)",
                                     environment: { "CURL_BROWSER_CAFILE=\($0["CA_FILE"])" })
        try screen.waitFor("carries data", timeout: 60)
        XCTAssertTrue(try pingEventually(lab))
        try screen.keys("p")
        // The timeline itself (the log line is on the channels screen too, before the key is read).
        let timeline = try screen.waitFor("3 User auth    ✔ done")
        XCTAssertTrue(timeline.contains("single sign-on done"), timeline)
        XCTAssertTrue(try screen.quit().contains("swiftgate exited with 0"))
    }
}
