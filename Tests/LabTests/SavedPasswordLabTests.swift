import Foundation
import XCTest

/// Saved passwords against a real Secret Service (issue 15, item 5, "Done when"): gnome-keyring-daemon, unlocked
/// with a password fed on stdin, in a private `dbus-run-session` inside the client namespace (a session bus on
/// Debian 12 listens on an abstract socket, which is per network namespace).
final class SavedPasswordLabTests: LabTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        try Self.checkKeyringTools()
    }

    private func command(_ lab: LabGateway, bus: String, _ arguments: [String]) -> [String] {
        ["ip", "netns", "exec", lab["CLIENT_NS"], "env", "DBUS_SESSION_BUS_ADDRESS=" + bus, LabGateway.binary] + arguments
    }

    /// A connection until its tunnel is up (then stopped), or until it ends on its own.
    private func connect(_ lab: LabGateway, bus: String, _ arguments: [String], stdin: String) throws -> (CommandResult, up: Bool) {
        let running = try launch(command(lab, bus: bus, ["connect"] + arguments + ["--cafile", lab["CA_FILE"], "--no-dtls",
                                                                                      "--events", "json"]), stdin: stdin)
        do {
            try running.waitForOutput(#""event":"connected""#, timeout: 40)
        } catch {
            return (try running.wait(timeout: 10), false)
        }
        XCTAssertTrue(try pingEventually(lab), "the tunnel carries traffic")
        running.signal(SIGTERM)
        return (try running.wait(timeout: 20), true)
    }

    func testASavedPasswordLogsInWithoutOneAndForgettingItEndsThat() throws {
        let lab = try start()
        setenv("XDG_STATE_HOME", lab.stateDirectory + "/xdg-state", 1)
        defer { unsetenv("XDG_STATE_HOME") }
        let password = lab["ALICE_PASS"]
        let bus = try startKeyring(lab)
        let gateway = "198.18.0.1:4443"  // the URL typed is saved under its address

        // 1. Typed on stdin, saved once the login went through.
        let (first, firstUp) = try connect(lab, bus: bus, [lab["URL"], "--user", "alice", "--passwd-on-stdin", "--save-password"],
                                           stdin: password + "\n")
        XCTAssertTrue(firstUp, first.allOutput)
        XCTAssertEqual(first.exitCode, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("the password of alice is saved in the Secret Service"), first.stderr)

        // 2. No password given, nothing on stdin, never a prompt: the saved one logs in and the tunnel comes up.
        let (second, secondUp) = try connect(lab, bus: bus, [gateway, "--non-interactive"], stdin: "")
        XCTAssertTrue(secondUp, second.allOutput)
        XCTAssertEqual(second.exitCode, 0, second.stderr)
        XCTAssertTrue(second.stderr.contains("using the saved password of alice for \(gateway)"), second.stderr)

        // 3. Forgotten: the same connect fails at the login.
        let forget = try CommandRunner.run(command(lab, bus: bus, ["gateways", "forget-password", gateway]), timeout: 30)
        XCTAssertEqual(forget.exitCode, 0, forget.allOutput)
        XCTAssertTrue(forget.stdout.contains("Forgot the saved password of \(gateway)"), forget.stdout)
        let (third, thirdUp) = try connect(lab, bus: bus, [gateway, "--non-interactive"], stdin: "")
        XCTAssertFalse(thirdUp, third.allOutput)
        XCTAssertNotEqual(third.exitCode, 0)
        XCTAssertFalse(third.stderr.contains("using the saved password"), third.stderr)
        let failed = third.phaseEvents("user-auth").last
        XCTAssertEqual(failed?["state"] as? String, "failed", third.stdout)

        // The transcript's own words, for the record (no secret in them: asserted below).
        for (name, result) in [("first", first), ("second", second), ("forget", forget), ("third", third)] {
            let lines = result.allOutput.split(separator: "\n").filter { $0.hasPrefix("swiftgate:") || $0.hasPrefix("Forgot") }
            print("\(name) (exit \(result.exitCode)): " + lines.joined(separator: " | "))
        }

        // Never in the database (and its WAL) or the log file.
        let files = [lab.databasePath, lab.databasePath + "-wal", lab.stateDirectory + "/xdg-state/swiftgate/swiftgate.log"]
        XCTAssertNotNil(FileManager.default.contents(atPath: files[0]), "a database was written")
        XCTAssertNotNil(FileManager.default.contents(atPath: files[2]), "a log file was written")
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            XCTAssertNil(data.range(of: Data(password.utf8)), "the password in \(path)")
        }
        for result in [first, second, third] { XCTAssertFalse(result.allOutput.contains(password)) }
    }

    /// The engine's own reconnect: the gateway restarts, refuses the session cookie, and the fresh login inside the
    /// running session is answered by the saved password (no stdin, never a prompt).
    func testTheSavedPasswordAnswersTheFreshLoginOfAReconnect() throws {
        let lab = try start(["--extra", "dpd = 3"])
        let bus = try startKeyring(lab)
        let saving = try CommandRunner.run(command(lab, bus: bus, ["connect", lab["URL"], "--cafile", lab["CA_FILE"], "--user",
                                                                   "alice", "--passwd-on-stdin", "--save-password", "--authenticate"]),
                                           stdin: lab["ALICE_PASS"] + "\n", timeout: 60)
        XCTAssertEqual(saving.exitCode, 0, saving.allOutput)
        let session = try launch(command(lab, bus: bus, ["connect", "198.18.0.1:4443", "--cafile", lab["CA_FILE"], "--non-interactive",
                                                         "--no-dtls", "--events", "json"]), stdin: "")
        try session.waitForOutput(#""event":"connected""#, timeout: 40)
        let restart = try CommandRunner.run(["/bin/bash", LabGateway.script, "restart", lab.stateDirectory], timeout: 60)
        XCTAssertEqual(restart.exitCode, 0, restart.allOutput)
        try session.waitForOutput(#""event":"reconnected""#, timeout: 60)
        XCTAssertTrue(session.stdoutSoFar.contains("refused the session cookie"))
        let logins = CommandResult(exitCode: 0, stdout: session.stdoutSoFar, stderr: "").phaseEvents("user-auth")
            .filter { $0["state"] as? String == "done" }
        XCTAssertEqual(logins.count, 2, "a fresh login after the refused cookie")
        XCTAssertEqual(session.stderrSoFar.components(separatedBy: "using the saved password of alice").count - 1, 2,
                       session.stderrSoFar)
        XCTAssertTrue(try pingEventually(lab))
        session.signal(SIGTERM)
        XCTAssertEqual(try session.wait(timeout: 20).exitCode, 0)
    }

    /// ocserv's OTP step asks `password` again (another message): the saved password answers the first, the
    /// person (stdin) the second, and the OTP is never what was saved.
    func testWithASecondFactorTheSavedPasswordAnswersOnlyThePassword() throws {
        let lab = try start(["--otp"])
        let bus = try startKeyring(lab)
        let login = ["connect", lab["URL"], "--cafile", lab["CA_FILE"], "--user", "carol", "--group", "Sales", "--authenticate"]
        let saving = try CommandRunner.run(command(lab, bus: bus, login + ["--passwd-on-stdin", "--save-password"]),
                                           stdin: lab["CAROL_PASS"] + "\n" + (try lab.otp(for: "carol")) + "\n", timeout: 60)
        XCTAssertEqual(saving.exitCode, 0, saving.allOutput)
        XCTAssertTrue(saving.stderr.contains("the password of carol is saved"), saving.stderr)
        // Only the OTP on stdin now.
        let saved = try CommandRunner.run(command(lab, bus: bus, login + ["--non-interactive"]),
                                          stdin: (try lab.otp(for: "carol")) + "\n", timeout: 60)
        XCTAssertEqual(saved.exitCode, 0, saved.allOutput)
        XCTAssertTrue(saved.stderr.contains("using the saved password of carol"), saved.stderr)
        XCTAssertNotNil(saved.authValue("COOKIE"))
    }

    /// Without a Secret Service, --save-password says so and the connection goes on.
    func testWithoutASecretServiceSavingIsDeclinedAndTheLoginGoesOn() throws {
        let lab = try start()
        let result = try lab.client(["env", "-u", "DBUS_SESSION_BUS_ADDRESS", LabGateway.binary, "connect", lab["URL"],
                                      "--cafile", lab["CA_FILE"], "--user", "alice", "--passwd-on-stdin", "--save-password",
                                      "--authenticate"], stdin: lab["ALICE_PASS"] + "\n")
        XCTAssertEqual(result.exitCode, 0, result.allOutput)
        XCTAssertTrue(result.stderr.contains("--save-password: no Secret Service"), result.stderr)
        XCTAssertNotNil(result.authValue("COOKIE"))

        // A session bus where nothing owns org.freedesktop.secrets (gnome-keyring is only activatable): the same.
        let bus = try startKeyring(lab, keyring: false)
        let bare = try CommandRunner.run(command(lab, bus: bus, ["connect", lab["URL"], "--cafile", lab["CA_FILE"], "--user",
                                                                 "alice", "--passwd-on-stdin", "--save-password", "--authenticate"]),
                                         stdin: lab["ALICE_PASS"] + "\n", timeout: 60)
        XCTAssertEqual(bare.exitCode, 0, bare.allOutput)
        XCTAssertTrue(bare.stderr.contains("nothing provides org.freedesktop.secrets on the session bus"), bare.stderr)
    }
}
