import Foundation
import XCTest

/// Single sign-on against the ASA front's SAML scenarios (issue 11): the external-browser mode with the token
/// coming back encrypted through localhost:29786 (a curl-based browser logs in at the lab IdP), the embedded mode
/// with a real headless Chromium, the IdP's refusal, and the pasted-token fallback; then the tunnel.
final class SSOLabTests: LabTestCase {
    private var browser: String { LabGateway.repositoryRoot + "/scripts/lab/curl-browser.sh" }

    /// `swiftgate connect URL/SCENARIO` in the background with `--events json`, the curl browser pointed at the lab CA.
    private func connect(_ lab: LabGateway, _ scenario: String, _ extra: [String], stdin: String? = nil) throws -> RunningCommand {
        try launch(["ip", "netns", "exec", lab["CLIENT_NS"], "env", "CURL_BROWSER_CAFILE=\(lab["CA_FILE"])",
                    LabGateway.binary, "connect", lab["ASA_URL"] + "/" + scenario, "--cafile", lab["CA_FILE"],
                    "--events", "json"] + extra, stdin: stdin)
    }

    private func requests(_ lab: LabGateway) throws -> [[String: Any]] {
        try String(contentsOfFile: lab["ASA_LOG"], encoding: .utf8).split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    func testExternalBrowserModeLogsInThroughTheLocalCallbackAndTheTunnelComesUp() throws {
        let lab = try start(["--asa"])
        let session = try connect(lab, "sso-external", ["--external-browser", browser])
        try session.waitForOutput(#""event":"connected""#, timeout: 60)
        XCTAssertTrue(try pingEventually(lab))
        let events = CommandResult(exitCode: 0, stdout: session.stdoutSoFar, stderr: "").events
        let sso = events.filter { $0["event"] as? String == "sso" }
        XCTAssertEqual(sso.map { $0["state"] as? String }, ["started", "done"], "\(sso)")
        XCTAssertEqual(sso.first?["mode"] as? String, "external")
        XCTAssertEqual(sso.first?["callback_port"] as? Int, 29786)
        XCTAssertTrue((sso.first?["url"] as? String ?? "").contains("/+CSCOE+/saml/sp/login"), "\(sso)")
        let log = try requests(lab)
        let initRequest = try XCTUnwrap(log.first { $0["type"] as? String == "init" && $0["scenario"] as? String == "sso-external" })
        XCTAssertNotNil(initRequest["strap_headers"], "the STRAP keys went with the login: \(initRequest)")
        let connects = log.filter { $0["method"] as? String == "CONNECT" }
        XCTAssertTrue((connects.last?["strap_verify_result"] as? String ?? "").hasPrefix("valid"),
                      "CONNECT proves it is the login's client: \(connects)")
        session.signal(SIGTERM)
        XCTAssertEqual(try session.wait(timeout: 20).exitCode, 0)
    }

    func testEmbeddedModeDrivesAHeadlessChromiumToTheTokenAndTheTunnelComesUp() throws {
        let lab = try start(["--asa"])
        let session = try connect(lab, "sso-auto", ["--sso-headless"])
        try session.waitForOutput(#""event":"connected""#, timeout: 60)
        XCTAssertTrue(try pingEventually(lab))
        let sso = CommandResult(exitCode: 0, stdout: session.stdoutSoFar, stderr: "").events
            .filter { $0["event"] as? String == "sso" }
        XCTAssertEqual(sso.map { $0["state"] as? String }, ["started", "done"], "\(sso)")
        XCTAssertEqual(sso.first?["mode"] as? String, "embedded")
        session.signal(SIGTERM)
        XCTAssertEqual(try session.wait(timeout: 20).exitCode, 0)
        let left = try CommandRunner.run(["pgrep", "-f", "swiftgate-sso-"], timeout: 10)
        XCTAssertNotEqual(left.exitCode, 0, "no browser left behind: \(left.stdout)")
    }

    func testTheIdentityProvidersRefusalIsShownInItsOwnWords() throws {
        let lab = try start(["--asa"])
        let result = try connect(lab, "sso-error", ["--sso-headless", "--authenticate"]).wait(timeout: 60)
        XCTAssertEqual(result.exitCode, 3, result.allOutput)
        XCTAssertTrue(result.stderr.contains("SAML assertion rejected"), result.stderr)
    }

    func testWithNoBrowserTheURLIsShownAndAPastedTokenIsSentAndJudgedByTheGateway() throws {
        let lab = try start(["--asa"])
        let result = try connect(lab, "sso", ["--sso-browser", "/nonexistent/chromium", "--passwd-on-stdin", "--authenticate"],
                                 stdin: "not-the-token\n").wait(timeout: 60)
        let sso = result.events.first { $0["event"] as? String == "sso" }
        XCTAssertEqual(sso?["mode"] as? String, "pasted", result.stdout)
        XCTAssertTrue((sso?["message"] as? String ?? "").contains("no browser"), "\(String(describing: sso))")
        XCTAssertTrue((sso?["url"] as? String ?? "").hasPrefix(lab["ASA_URL"]), "the URL to open is shown")
        XCTAssertEqual(result.exitCode, 3, "the gateway refuses a wrong token: \(result.allOutput)")
        XCTAssertFalse(result.allOutput.contains("not-the-token"), "a pasted token is a secret")
    }
}
