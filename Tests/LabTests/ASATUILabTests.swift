import Foundation
import XCTest

/// The full-screen interface in tmux against the ASA-behaviour gateway (issue 10, cases 1-5): what a person
/// sees when an ASA refuses, asks for a certificate, moves the login to a cluster member or holds it for a push.
final class ASATUILabTests: LabTestCase {
    /// A lab with the ASA front and a saved gateway `corp` for `scenario`; the interface open on its database.
    private func open(_ scenario: String, environment: String = "") throws -> (LabGateway, TmuxScreen) {
        let lab = try start(["--asa"])
        let database = lab.stateDirectory + "/tui.sqlite"
        let add = try lab.swiftgate(["gateways", "add", "corp", lab["ASA_URL"] + "/" + scenario, "--user", "alice",
                                     "--db", database])
        XCTAssertEqual(add.exitCode, 0, add.allOutput)
        let screen = try TmuxScreen(lab, database: database, arguments: "--cafile \(lab["CA_FILE"])",
                                    environment: environment)
        try screen.waitFor("Gateways (1)")
        return (lab, screen)
    }

    /// Enter on the gateway, the default group, then the ASA's single form: user name kept, password typed.
    private func logIn(_ screen: TmuxScreen) throws {
        try screen.keys("Enter")
        try screen.waitFor("Choose a group")
        try screen.keys("Enter")
        let form = try screen.waitFor("Password:")
        XCTAssertTrue(form.contains("alice"), "the saved user name is filled in: \(form)")
        try screen.keys("Tab")
        try screen.type("secret")
        try screen.keys("Enter")
    }

    func testARefusalShowsTheGatewaysOwnWords() throws {
        let (lab, screen) = try open("hostscan-refused")
        try logIn(screen)
        let failed = try screen.waitFor("Cisco Secure Desktop not installed")
        XCTAssertTrue(failed.contains("Failed"), failed)
        XCTAssertFalse(failed.contains("secret"))
        XCTAssertTrue(try screen.quit().contains("swiftgate exited with 0"))
        let replies = try String(contentsOfFile: lab["ASA_LOG"], encoding: .utf8).split(separator: "\n")
            .filter { $0.contains(#""type":"auth-reply""#) }
        XCTAssertEqual(replies.count, 1, "nothing resubmitted: \(replies)")
    }

    func testCompleteWithOnlyAnErrorIsShownAsTheRefusalItIs() throws {
        let (_, screen) = try open("complete-error")
        try logIn(screen)
        let failed = try screen.waitFor("Authentication failed.")
        XCTAssertFalse(failed.contains("no session cookie"), failed)
        XCTAssertTrue(try screen.quit().contains("swiftgate exited with 0"))
    }

    func testACertificateRequestOffersTheIdentityPickerAndTheChosenCertificateLogsIn() throws {
        let probe = try start(["--asa"])
        let config = probe.stateDirectory + "/config"
        stop(probe)
        let (lab, screen) = try open("cert-request", environment: "XDG_CONFIG_HOME=\(config)")
        let certificates = config + "/swiftgate/certs"
        try FileManager.default.createDirectory(atPath: certificates, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: lab["CLIENT_CERT"], toPath: certificates + "/alice.pem")
        try FileManager.default.copyItem(atPath: lab["CLIENT_KEY"], toPath: certificates + "/alice-key.pem")
        try screen.keys("Enter")
        let picker = try screen.waitFor("Choose a client certificate")
        XCTAssertTrue(picker.contains("alice.pem"), picker)
        try screen.keys("Enter")
        try screen.waitFor("carries data", timeout: 30)
        XCTAssertTrue(try pingEventually(lab))
        XCTAssertTrue(try screen.quit().contains("swiftgate exited with 0"))
    }

    func testADirectorsMemberCarriesTheTunnel() throws {
        let (lab, screen) = try open("director")
        try logIn(screen)
        try screen.waitFor("carries data", timeout: 30)
        XCTAssertTrue(try pingEventually(lab))
        try screen.keys("p")
        try screen.waitFor("member.lab.test:8443")
        XCTAssertTrue(try screen.quit().contains("swiftgate exited with 0"))
    }

    func testAHeldLoginShowsTheWaitAndEscCancelsIt() throws {
        let (lab, screen) = try open("slow-120")
        try logIn(screen)
        let waiting = try screen.waitFor("approve the request on your device?")
        XCTAssertTrue(waiting.contains("Esc cancels"), waiting)
        try screen.waitFor("5 s of at most 300 s")
        try screen.keys("Escape")
        let cancelled = try screen.waitFor("cancelled: stopped by the user while waiting for the gateway", timeout: 10)
        XCTAssertFalse(cancelled.contains("Esc cancels"), "the wait line is gone: \(cancelled)")
        XCTAssertFalse(try lab.client(["ip", "-o", "link"]).stdout.contains("tun"), "no tunnel")
        XCTAssertTrue(try screen.quit().contains("swiftgate exited with 0"))
    }
}
