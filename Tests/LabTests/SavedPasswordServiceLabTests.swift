import Foundation
import XCTest

/// Saved passwords through the privileged service (issue 15): the keyring is the user's (their own session bus,
/// their own gnome-keyring-daemon, outside the client namespace), the service runs the engine as root, and the
/// user's front end answers the login from the keyring and saves to it; root never touches the keyring.
final class SavedPasswordServiceLabTests: LabTestCase {
    /// A user with a passwd entry: dbus-daemon refuses to run for a uid it cannot look up.
    private static let uid: UInt32 = getpwnam("nobody")?.pointee.pw_uid ?? 65534
    private var workDirectory = ""
    private var service: RunningCommand?

    override func setUpWithError() throws {
        try super.setUpWithError()
        try Self.checkKeyringTools()
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            throw LabError("setpriv is missing: install util-linux (scripts/lab/lab.sh install does)")
        }
        workDirectory = NSTemporaryDirectory() + "sg-vault-service-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: home + "/run", withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        for path in [workDirectory, home] { XCTAssertEqual(chmod(path, 0o755), 0) }
        // The binary where the user can run it: the checkout may sit where only root can enter (ServiceLabTests).
        if link(LabGateway.binary, userBinary) != 0 { try FileManager.default.copyItem(atPath: LabGateway.binary, toPath: userBinary) }
        chmod(userBinary, 0o755)
        for path in [home, home + "/run"] { XCTAssertEqual(chown(path, Self.uid, Self.uid), 0) }
        chmod(home + "/run", 0o700)
    }

    override func tearDown() {
        if let service {
            service.signal(SIGTERM)
            _ = try? service.wait(timeout: 30)
        }
        service = nil
        try? FileManager.default.removeItem(atPath: workDirectory)
        super.tearDown()
    }

    private var home: String { workDirectory + "/home" }
    private var socketPath: String { workDirectory + "/swiftgate.sock" }
    private var userBinary: String { workDirectory + "/swiftgate" }

    private func asUser(_ arguments: [String], environment: [String] = []) -> [String] {
        ["setpriv", "--reuid", String(Self.uid), "--regid", String(Self.uid), "--clear-groups", "env", "-i",
         "PATH=/usr/bin:/bin", "HOME=\(home)", "XDG_RUNTIME_DIR=\(home)/run", "SWIFTGATE_SOCKET=\(socketPath)",
         "TERM=xterm-256color"] + environment + arguments
    }

    func testTheUsersKeyringAnswersALoginRunByTheService() throws {
        let lab = try start()
        let started = try launch(["ip", "netns", "exec", lab["CLIENT_NS"], "env", "SWIFTGATE_SOCKET=\(socketPath)",
                                  "SWIFTGATE_RUNTIME_DIR=\(lab.runtimeDirectory)", "HOME=\(workDirectory)",
                                  LabGateway.binary, "service", "--user", String(Self.uid)])
        service = started
        let deadline = Date().addingTimeInterval(20)
        while try CommandRunner.run(asUser([userBinary, "status"]), timeout: 30).exitCode != 0 {
            if let ended = try? started.wait(timeout: 0) { throw LabError("the service ended (exit \(ended.exitCode)): \(ended.stderr)") }
            guard Date() < deadline else { throw LabError("the service did not answer: \(started.stderrSoFar)") }
            usleep(100_000)
        }
        // The user's own session bus and keyring (not in the client namespace: the user's processes are not).
        let keyring = try launch(asUser(["dbus-run-session", "--", "/bin/bash", "-c", Self.keyringScript, home + "/run", "keyring"]),
                                 stdin: "user-keyring-pw\n")
        try keyring.waitForOutput("BUS=", timeout: 30)
        let bus = String(try XCTUnwrap(keyring.stdoutSoFar.split(separator: "\n").first { $0.hasPrefix("BUS=") }).dropFirst(4))
        let ca = home + "/ca.pem"
        try FileManager.default.copyItem(atPath: lab["CA_FILE"], toPath: ca)
        XCTAssertEqual(chown(ca, Self.uid, Self.uid), 0)
        func swiftgate(_ arguments: [String], stdin: String = "") throws -> CommandResult {
            try CommandRunner.run(asUser([userBinary] + arguments, environment: ["DBUS_SESSION_BUS_ADDRESS=\(bus)"]),
                                  stdin: stdin, timeout: 90)
        }

        let first = try swiftgate(["connect", lab["URL_HOST"], "--cafile", ca, "--user", "alice", "--group", "Engineering",
                                   "--passwd-on-stdin", "--save-password", "--detach"], stdin: lab["ALICE_PASS"] + "\n")
        XCTAssertEqual(first.exitCode, 0, first.allOutput)
        XCTAssertTrue(first.stderr.contains("the password of alice is saved in the Secret Service"), first.stderr)
        XCTAssertEqual(try swiftgate(["disconnect"]).exitCode, 0)

        // No password given, stdin empty, never a prompt: the user's keyring answers the service's login.
        // The gateway was saved under its address with the user name: nothing but its name is needed.
        let second = try swiftgate(["connect", "gateway.lab.test:4443", "--cafile", ca, "--group", "Engineering",
                                    "--non-interactive", "--detach"])
        XCTAssertEqual(second.exitCode, 0, second.allOutput)
        XCTAssertTrue(second.stderr.contains("using the saved password of alice for gateway.lab.test:4443"), second.stderr)
        XCTAssertTrue(try pingEventually(lab))
        XCTAssertEqual(try swiftgate(["disconnect"]).exitCode, 0)
        XCTAssertFalse(started.stderrSoFar.contains(lab["ALICE_PASS"] + "\n"), "the service never prints the password")
    }
}
