import Foundation
import XCTest

/// Staying connected against a real ocserv: outages, a link going down, a kicked session, a restarted gateway,
/// and rekeys (protocol.md §5.2-5.3).
final class ReconnectLabTests: LabTestCase {




    private func connect(_ lab: LabGateway, stdin: String = "secret\n", extra: [String] = []) throws -> RunningCommand {
        let arguments = ["ip", "netns", "exec", lab["CLIENT_NS"], LabGateway.binary, "connect", lab["URL"],
                         "--cafile", lab["CA_FILE"], "--user", "alice", "--passwd-on-stdin", "--events", "json"] + extra
        let command = try launch(arguments, stdin: stdin)
        try command.waitForOutput(#""event":"connected""#, timeout: 30)
        return command
    }

    private func events(_ command: RunningCommand, _ kind: String) -> [[String: Any]] {
        CommandResult(exitCode: 0, stdout: command.stdoutSoFar, stderr: "").events.filter { $0["event"] as? String == kind }
    }

    private func cutGateway(_ lab: LabGateway) throws {
        let rules = "add table inet sgcut ; add chain inet sgcut out { type filter hook output priority 0 ; } ; "
            + "add rule inet sgcut out ip daddr \(lab["GW_ADDR"]) drop ; add chain inet sgcut in { type filter hook input priority 0 ; } ; "
            + "add rule inet sgcut in ip saddr \(lab["GW_ADDR"]) drop"
        XCTAssertEqual(try lab.client(["nft", rules], timeout: 30).exitCode, 0)
    }

    func testOutageLongerThanDPDComesBackWithTheSameCookieAndAddress() throws {
        let lab = try start(["--extra", "dpd = 3"])
        let session = try connect(lab)
        try session.waitForOutput(#""channel":"dtls","state":"up""#, timeout: 20)
        try cutGateway(lab)
        try session.waitForOutput(#""state":"reconnecting""#, timeout: 20)
        XCTAssertEqual(try lab.client(["nft", "delete table inet sgcut"], timeout: 30).exitCode, 0)
        try session.waitForOutput(#""event":"reconnected""#, timeout: 60)
        let reconnected = try XCTUnwrap(events(session, "reconnected").last)
        XCTAssertEqual(reconnected["changed"] as? [String], [], "same address, same MTU: the tun is kept as it is")
        XCTAssertTrue((reconnected["after"] as? String ?? "").contains("stopped answering"), "\(reconnected)")
        XCTAssertTrue(events(session, "phase").filter { $0["phase"] as? String == "user-auth" }.count == 2,
                      "no second login: the cookie was enough")
        let address = try lab.client(["ip", "-o", "-4", "addr", "show", "dev", "tun0"], timeout: 30)
        XCTAssertTrue(address.stdout.contains("198.19.0.50"), address.stdout)
        XCTAssertTrue(try pingEventually(lab))
        // DTLS is brought back after the reconnect.
        let deadline = Date().addingTimeInterval(20)
        while events(session, "channel").filter({ $0["channel"] as? String == "dtls" && $0["state"] as? String == "up" }).count < 2
            && Date() < deadline { usleep(100_000) }
        XCTAssertGreaterThanOrEqual(events(session, "channel").filter {
            $0["channel"] as? String == "dtls" && $0["state"] as? String == "up" }.count, 2)
        session.signal(SIGTERM)
        XCTAssertEqual(try session.wait(timeout: 20).exitCode, 0)
    }

    func testClientLinkDownAndUp() throws {
        let lab = try start(["--extra", "dpd = 3"])
        let session = try connect(lab, extra: ["--no-dtls"])
        XCTAssertEqual(try lab.client(["ip", "link", "set", "dev", lab["CLIENT_VETH"], "down"], timeout: 30).exitCode, 0)
        try session.waitForOutput(#""state":"reconnecting""#, timeout: 20)
        XCTAssertEqual(try lab.client(["ip", "link", "set", "dev", lab["CLIENT_VETH"], "up"], timeout: 30).exitCode, 0)
        try session.waitForOutput(#""event":"reconnected""#, timeout: 90)
        XCTAssertTrue(try pingEventually(lab))
        session.signal(SIGTERM)
        XCTAssertEqual(try session.wait(timeout: 20).exitCode, 0)
    }

    /// With DPD at its default (90 s), only the netlink notice can explain a reconnect within seconds.
    private func assertReconnectsAtOnce(after commands: (LabGateway) -> [[String]], reason: String,
                                        file: StaticString = #filePath, line: UInt = #line) throws {
        let lab = try start([])
        let session = try connect(lab, extra: ["--no-dtls"])
        for command in commands(lab) {
            XCTAssertEqual(try lab.client(command, timeout: 30).exitCode, 0, "\(command)", file: file, line: line)
        }
        try session.waitForOutput(#""event":"reconnected""#, timeout: 30)
        let reconnected = try XCTUnwrap(events(session, "reconnected").last, file: file, line: line)
        XCTAssertTrue((reconnected["after"] as? String ?? "").contains(reason), "\(reconnected)", file: file, line: line)
        XCTAssertTrue(try pingEventually(lab), file: file, line: line)
        session.signal(SIGTERM)
        XCTAssertEqual(try session.wait(timeout: 20).exitCode, 0, file: file, line: line)
    }

    func testTheLocalAddressGoingAwayReconnectsAtOnce() throws {
        try assertReconnectsAtOnce(after: { lab in [
            ["ip", "addr", "del", "198.18.0.2/24", "dev", lab["CLIENT_VETH"]],
            ["ip", "addr", "add", "198.18.0.2/24", "dev", lab["CLIENT_VETH"]],
        ] }, reason: "198.18.0.2")
    }

    func testANewDefaultRouteReconnectsAtOnce() throws {
        try assertReconnectsAtOnce(after: { lab in [["ip", "route", "add", "default", "via", lab["GW_ADDR"]]] },
                                   reason: "default route was added")
    }

    func testKickedByTheGatewayIsReportedWithoutARetryLoop() throws {
        let lab = try start(["--extra", "dpd = 3"])
        let session = try connect(lab)
        let kick = try CommandRunner.run(["/bin/bash", LabGateway.script, "occtl", lab.stateDirectory, "disconnect", "user", "alice"],
                                         timeout: 30)
        XCTAssertEqual(kick.exitCode, 0, kick.allOutput)
        let result = try session.wait(timeout: 30)
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.stderr.contains("the gateway ended the session"), result.stderr)
        XCTAssertFalse(result.stdout.contains("reconnecting"), "no retry loop after the gateway's own DISCONNECT")
    }

    func testRestartedGatewayRefusesTheCookieAndAFreshLoginFollows() throws {
        let lab = try start(["--extra", "dpd = 3"])
        // The second line is the password for the fresh login.
        let session = try connect(lab, stdin: "secret\nsecret\n", extra: ["--group", "Sales", "--no-dtls"])
        let restart = try CommandRunner.run(["/bin/bash", LabGateway.script, "restart", lab.stateDirectory], timeout: 60)
        XCTAssertEqual(restart.exitCode, 0, restart.allOutput)
        try session.waitForOutput(#""event":"reconnected""#, timeout: 60)
        let logins = events(session, "phase").filter { $0["phase"] as? String == "user-auth" && $0["state"] as? String == "done" }
        XCTAssertEqual(logins.count, 2, "a fresh login after the refused cookie")
        let groups = events(session, "phase").filter { $0["phase"] as? String == "group-select" && $0["state"] as? String == "done" }
        XCTAssertEqual(groups.compactMap { (($0["detail"] as? [String: Any])?["chosen"] as? [String: Any])?["value"] as? String },
                       ["Sales", "Sales"], "the same group again")
        XCTAssertTrue(session.stdoutSoFar.contains("refused the session cookie"))
        XCTAssertTrue(try pingEventually(lab))
        session.signal(SIGTERM)
        XCTAssertEqual(try session.wait(timeout: 20).exitCode, 0)
    }

    func testRestartedGatewayWithoutAPasswordToGiveEndsWithExit3() throws {
        let lab = try start(["--extra", "dpd = 3"])
        let session = try connect(lab, extra: ["--no-dtls"])
        let restart = try CommandRunner.run(["/bin/bash", LabGateway.script, "restart", lab.stateDirectory], timeout: 60)
        XCTAssertEqual(restart.exitCode, 0, restart.allOutput)
        let result = try session.wait(timeout: 60)
        XCTAssertEqual(result.exitCode, 3, result.allOutput)
        XCTAssertTrue(result.stderr.contains("no password is available"), result.stderr)
        let links = try lab.client(["ip", "-o", "link"], timeout: 30)
        XCTAssertFalse(links.stdout.contains("tun0"), "the tun is removed on the way out")
    }

    func testRekeyOpensANewTunnelAndTrafficKeepsFlowing() throws {
        let lab = try start(["--extra", "rekey-time = 30", "--extra", "rekey-method = new-tunnel"])
        let session = try connect(lab)
        try session.waitForOutput(#""event":"reconnected""#, timeout: 45)
        let reconnected = try XCTUnwrap(events(session, "reconnected").last)
        XCTAssertTrue((reconnected["after"] as? String ?? "").contains("rekey"), "\(reconnected)")
        XCTAssertTrue(try pingEventually(lab))
        try transfer(lab, mebibytes: 5)
        session.signal(SIGTERM)
        XCTAssertEqual(try session.wait(timeout: 20).exitCode, 0)
    }
}
