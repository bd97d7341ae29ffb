import Foundation
import XCTest

/// Swiftgate against the lab's ASA-behaviour gateway (scripts/lab/asa_front.py, `lab.sh up --asa`): the login
/// behaviours of Cisco ASAs that ocserv never shows (issue 10), each ending as a user would expect — the
/// gateway's own words and exit 3 where it refuses, a tunnel through to the lab's ocserv where it succeeds.
final class ASALabTests: LabTestCase {
    private func asa(_ extra: [String] = []) throws -> LabGateway { try start(["--asa"] + extra) }

    /// `swiftgate connect URL/SCENARIO …` to the end (authentication only unless `tunnel`).
    private func login(_ lab: LabGateway, _ scenario: String, stdin: String = "secret\n", extra: [String] = [],
                       timeout: TimeInterval = 60) throws -> CommandResult {
        try lab.swiftgate(["connect", lab["ASA_URL"] + "/" + scenario, "--cafile", lab["CA_FILE"], "--user", "alice",
                           "--passwd-on-stdin", "--authenticate", "--events", "json"] + extra,
                          stdin: stdin, timeout: timeout)
    }

    /// The front's request log (one JSON object per request), for one scenario.
    private func requests(_ lab: LabGateway, _ scenario: String) throws -> [[String: Any]] {
        try String(contentsOfFile: lab["ASA_LOG"], encoding: .utf8).split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.filter { $0["scenario"] as? String == scenario }
    }

    private func event(_ kind: String, in output: String) -> [String: Any]? {
        CommandResult(exitCode: 0, stdout: output, stderr: "").events.last { $0["event"] as? String == kind }
    }

    // 1. An error beside a form holding only group_list (HostScan/DAP): the gateway's words, nothing resubmitted.
    func testHostScanAndMechanismRefusalsEndWithTheGatewaysWordsAndNoResubmission() throws {
        let lab = try asa()
        for (scenario, words) in [("hostscan-refused", "Unable to complete connection: Cisco Secure Desktop not installed on the client"),
                                  ("unauthorized", "Login denied, unauthorized connection mechanism")] {
            let result = try login(lab, scenario)
            XCTAssertEqual(result.exitCode, 3, result.allOutput)
            XCTAssertTrue(result.stderr.contains("authentication refused: " + words), result.stderr)
            let replies = try requests(lab, scenario).filter { $0["type"] as? String == "auth-reply" }
            XCTAssertEqual(replies.count, 1, "one password post, no blind resubmission: \(replies)")
            XCTAssertFalse(result.allOutput.contains("secret"), "the password is nowhere in the output")
        }
    }

    // 2. type="complete" carrying only an <error>.
    func testCompleteCarryingOnlyAnErrorIsARefusalNotASuccessWithoutCookie() throws {
        let lab = try asa()
        let result = try login(lab, "complete-error")
        XCTAssertEqual(result.exitCode, 3, result.allOutput)
        XCTAssertTrue(result.stderr.contains("authentication refused: Authentication failed."), result.stderr)
        XCTAssertNil(result.authValue("COOKIE"))
    }

    // 3. <client-cert-request/>: without a certificate, init again with <client-cert-fail/>, then the form.
    func testCertificateRequestWithoutACertificateGoesOnWithClientCertFail() throws {
        let lab = try asa()
        let result = try login(lab, "cert-request")
        XCTAssertEqual(result.exitCode, 0, result.allOutput)
        XCTAssertNotNil(result.authValue("COOKIE"))
        let inits = try requests(lab, "cert-request").filter { $0["type"] as? String == "init" }
        XCTAssertEqual(inits.count, 2, "\(inits)")
        XCTAssertTrue((inits.last?["children"] as? [String] ?? []).contains("client-cert-fail"), "\(inits)")
    }

    // 3. … with one, presented on a new connection (the TLS-level request the first connection lacked).
    func testCertificateRequestWithACertificatePresentsItOnANewConnectionAndTheTunnelComesUp() throws {
        let lab = try asa()
        let command = try launch(["ip", "netns", "exec", lab["CLIENT_NS"], LabGateway.binary, "connect",
                                  lab["ASA_URL"] + "/cert-request", "--cafile", lab["CA_FILE"], "--certificate",
                                  lab["CLIENT_CERT"], "--key", lab["CLIENT_KEY"], "--user", "alice", "--passwd-on-stdin",
                                  "--events", "json"], stdin: "secret\n")
        try command.waitForOutput(#""event":"connected""#, timeout: 30)
        XCTAssertTrue(try pingEventually(lab))
        let inits = try requests(lab, "cert-request").filter { $0["type"] as? String == "init" }
        XCTAssertEqual(inits.count, 2, "\(inits)")
        XCTAssertEqual(inits.last?["client_cert"] as? Bool, true, "presented on the second connection: \(inits)")
        XCTAssertFalse((inits.last?["children"] as? [String] ?? []).contains("client-cert-fail"))
        command.signal(SIGTERM)
        XCTAssertEqual(try command.wait(timeout: 20).exitCode, 0)
    }

    // 4. A director's redirect to a cluster member on another host: the session and the tunnel live there.
    func testDirectorRedirectMovesTheSessionToTheMemberWhereTheTunnelComesUp() throws {
        let lab = try asa()
        let database = lab.stateDirectory + "/asa.sqlite"
        XCTAssertEqual(try lab.swiftgate(["gateways", "add", "corp", lab["ASA_URL"] + "/director", "--user", "alice",
                                          "--db", database]).exitCode, 0)
        let authenticated = try lab.swiftgate(["connect", "corp", "--cafile", lab["CA_FILE"], "--passwd-on-stdin",
                                               "--authenticate", "--db", database], stdin: "secret\n")
        XCTAssertEqual(authenticated.exitCode, 0, authenticated.allOutput)
        XCTAssertEqual(authenticated.authValue("HOST"), lab["ASA_MEMBER_ADDR"])
        XCTAssertEqual(authenticated.authValue("CONNECT_URL"), lab["ASA_MEMBER_URL"] + "/ok")

        let command = try launch(["ip", "netns", "exec", lab["CLIENT_NS"], LabGateway.binary, "connect", "corp",
                                  "--cafile", lab["CA_FILE"], "--passwd-on-stdin", "--events", "json", "--db", database],
                                 stdin: "secret\n")
        try command.waitForOutput(#""event":"connected""#, timeout: 30)
        XCTAssertTrue(try pingEventually(lab))
        let certificates = CommandResult(exitCode: 0, stdout: command.stdoutSoFar, stderr: "").events
            .filter { $0["event"] as? String == "certificate" }.compactMap { $0["host"] as? String }
        XCTAssertEqual(Set(certificates), [lab["ASA_HOST"], lab["ASA_MEMBER_HOST"]], "each host's certificate judged")
        let connects = try String(contentsOfFile: lab["ASA_LOG"], encoding: .utf8).split(separator: "\n")
            .filter { $0.contains(#""method":"CONNECT""#) }
        XCTAssertTrue(connects.allSatisfy { $0.contains(#""listener":"member""#) } && !connects.isEmpty, "\(connects)")
        command.signal(SIGTERM)
        XCTAssertEqual(try command.wait(timeout: 20).exitCode, 0)
        let show = try lab.swiftgate(["gateways", "show", "corp", "--db", database])
        XCTAssertTrue(show.stdout.contains(lab["ASA_URL"] + "/director"), "the saved gateway stays the director: \(show.stdout)")
    }

    func testFormActionOnTheMemberMovesTheLogin() throws {
        let lab = try asa()
        let result = try login(lab, "director-action")
        XCTAssertEqual(result.exitCode, 0, result.allOutput)
        XCTAssertEqual(result.authValue("HOST"), lab["ASA_MEMBER_ADDR"])
        XCTAssertTrue(result.authValue("CONNECT_URL")?.hasPrefix(lab["ASA_MEMBER_URL"]) ?? false, result.stdout)
    }

    // 5. A login reply held for a push approval: waited for, with `waiting` events; --auth-timeout bounds it.
    func testAHeldLoginReplyIsWaitedForAndReported() throws {
        let lab = try asa()
        let result = try login(lab, "slow-7")
        XCTAssertEqual(result.exitCode, 0, result.allOutput)
        let waiting = result.events.filter { $0["event"] as? String == "waiting" }
        XCTAssertFalse(waiting.isEmpty, result.stdout)
        XCTAssertEqual(waiting.first?["timeout_s"] as? Int, 300)
        XCTAssertEqual(waiting.first?["phase"] as? String, "user-auth")
        XCTAssertNotNil(result.authValue("COOKIE"))
    }

    func testAuthTimeoutEndsAHeldLoginWithWhatToDo() throws {
        let lab = try asa()
        let result = try login(lab, "slow-60", extra: ["--auth-timeout", "3"])
        XCTAssertEqual(result.exitCode, 1, result.allOutput)
        XCTAssertTrue(result.stderr.contains("did not answer the login within 3 s"), result.stderr)
        XCTAssertTrue(result.stderr.contains("--auth-timeout"), result.stderr)
    }

    // The pass-through itself: a tunnel through the front, DTLS 1.2 resumption as ASAs use.
    func testTunnelThroughTheASAFrontComesUpWithDTLS() throws {
        let lab = try asa()
        let command = try launch(["ip", "netns", "exec", lab["CLIENT_NS"], LabGateway.binary, "connect",
                                  lab["ASA_URL"] + "/ok", "--cafile", lab["CA_FILE"], "--user", "alice",
                                  "--passwd-on-stdin", "--events", "json"], stdin: "secret\n")
        try command.waitForOutput(#""channel":"dtls","state":"up""#, timeout: 30)
        XCTAssertTrue(try pingEventually(lab))
        command.signal(SIGTERM)
        let result = try command.wait(timeout: 20)
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let dtls = CommandResult(exitCode: 0, stdout: result.stdout, stderr: "").events
            .first { $0["event"] as? String == "channel" && $0["channel"] as? String == "dtls" && $0["state"] as? String == "up" }
        XCTAssertEqual(dtls?["protocol"] as? String, "DTLSv1.2")
    }

    // 6. Double authentication: the prefilled secondary user name is sent, stdin's lines go to what is asked.
    func testDoubleAuthenticationAnswersTheFieldsTheFormReallyAsks() throws {
        let lab = try asa()
        let result = try login(lab, "double-auth", stdin: "secret\n\(lab["ASA_SECONDARY_PASS"])\n")
        XCTAssertEqual(result.exitCode, 0, result.allOutput)
        let reply = try XCTUnwrap(try requests(lab, "double-auth").last { $0["type"] as? String == "auth-reply" })
        XCTAssertTrue((reply["auth_fields"] as? [String] ?? []).contains("secondary_username"), "\(reply)")
        XCTAssertFalse(result.allOutput.contains(lab["ASA_SECONDARY_PASS"]))
    }

    // 7 and 8: module profiles skipped, the VPN profile downloaded; a differing server-cert-hash only warns.
    func testOnlyTheUserProfileIsDownloadedAndADifferentServerCertHashWarns() throws {
        let lab = try asa()
        let command = try launch(["ip", "netns", "exec", lab["CLIENT_NS"], LabGateway.binary, "connect",
                                  lab["ASA_URL"] + "/profiles", "--cafile", lab["CA_FILE"], "--user", "alice",
                                  "--passwd-on-stdin", "--events", "json", "--no-dtls"], stdin: "secret\n")
        try command.waitForOutput(#""event":"connected""#, timeout: 30)
        command.signal(SIGTERM)
        let connected = try command.wait(timeout: 20)
        let download = try XCTUnwrap(connected.doneDetail("download"), connected.stdout)
        XCTAssertTrue((download["uri"] as? String ?? "").hasSuffix("lab-asa.xml"), "\(download)")
        let skipped = (download["module_profiles_skipped"] as? [[String: Any]] ?? []).compactMap { $0["service_type"] as? String }
        XCTAssertEqual(skipped, ["NAM", "ISEPosture"])
        let fetched = try requests(lab, "profiles").filter { $0["method"] as? String == "GET" }.compactMap { $0["path"] as? String }
        XCTAssertEqual(fetched.filter { $0.contains("/profiles/") }.count, 1, "module profiles are not fetched: \(fetched)")

        let hash = try login(lab, "cert-hash")
        XCTAssertEqual(hash.exitCode, 0, hash.allOutput)
        let warning = try XCTUnwrap(event("warning", in: hash.stdout), hash.stdout)
        XCTAssertNotNil(warning["claimed"] as? String)
        XCTAssertEqual(warning["seen"] as? String, lab["SERVER_SHA1"])
    }

    // 12. A CONNECT reply with one header per split-tunnel entry, a malformed route and an odd timer.
    func testHundredsOfSplitRoutesAnOddRouteAndAnOddTimerAreTakenOrSkippedNotFatal() throws {
        let lab = try asa()
        let command = try launch(["ip", "netns", "exec", lab["CLIENT_NS"], LabGateway.binary, "connect",
                                  lab["ASA_URL"] + "/many-headers", "--cafile", lab["CA_FILE"], "--user", "alice",
                                  "--passwd-on-stdin", "--events", "json", "--no-dtls"], stdin: "secret\n")
        try command.waitForOutput(#""event":"connected""#, timeout: 30)
        XCTAssertTrue(try pingEventually(lab))
        let tunnel = try XCTUnwrap(event("tunnel", in: command.stdoutSoFar))
        XCTAssertGreaterThanOrEqual((tunnel["routes"] as? [String])?.count ?? 0, 300, "every good split route taken")
        let warnings = CommandResult(exitCode: 0, stdout: command.stdoutSoFar, stderr: "").events
            .filter { $0["event"] as? String == "warning" }.compactMap { $0["message"] as? String }
        XCTAssertTrue(warnings.contains { $0.contains("10.256.0.0") }, "the odd route is named: \(warnings)")
        XCTAssertTrue(warnings.contains { $0.contains("X-CSTP-Keepalive") }, "the odd timer is named: \(warnings)")
        command.signal(SIGTERM)
        XCTAssertEqual(try command.wait(timeout: 20).exitCode, 0)
    }
}
