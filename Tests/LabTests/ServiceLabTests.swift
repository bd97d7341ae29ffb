import Foundation
import XCTest

/// The privileged service and unprivileged front ends (issue 15), end to end: `swiftgate service` as root in the
/// client namespace; users (uids with no other rights) drive it with `connect`, `status`, `stats`,
/// `disconnect`, `attach` and the interface in tmux; a tunnel outlives its front end.
final class ServiceLabTests: LabTestCase {
    static let user: UInt32 = 4242
    static let otherUser: UInt32 = 4243
    static let strangerUser: UInt32 = 4244

    private var workDirectory = ""
    private var service: RunningCommand?

    override func setUpWithError() throws {
        try super.setUpWithError()
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            throw LabError("setpriv is missing: install util-linux (scripts/lab/lab.sh install does)")
        }
        workDirectory = NSTemporaryDirectory() + "sg-service-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        for uid in [Self.user, Self.otherUser, Self.strangerUser] {
            let home = self.home(uid)
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            XCTAssertEqual(chown(home, uid, uid), 0)
        }
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

    private var socketPath: String { workDirectory + "/swiftgate.sock" }
    private func home(_ uid: UInt32) -> String { workDirectory + "/home-\(uid)" }

    /// Starts the service in the lab's client namespace, admitting `users`; returns once its socket answers.
    private func startService(_ lab: LabGateway, users: [UInt32], promptTimeout: Int = 120) throws {
        let started = try launch(["ip", "netns", "exec", lab["CLIENT_NS"], "env", "SWIFTGATE_SOCKET=\(socketPath)",
                                  "SWIFTGATE_RUNTIME_DIR=\(lab.runtimeDirectory)", "HOME=\(workDirectory)",
                                  LabGateway.binary, "service", "--prompt-timeout", String(promptTimeout)]
                                 + users.flatMap { ["--user", String($0)] })
        service = started
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if try root(["status"]).exitCode == 0 { return }
            if let ended = try? started.wait(timeout: 0) { throw LabError("the service ended (exit \(ended.exitCode)): \(ended.stderr)") }
            usleep(100_000)
        }
        throw LabError("the service did not answer on \(socketPath) within 20 s: \(started.stderrSoFar)")
    }

    /// The environment a user's front end runs with: its own home (database, log), nothing of root's.
    private func userCommand(_ uid: UInt32, _ arguments: [String]) -> [String] {
        ["setpriv", "--reuid", String(uid), "--regid", String(uid), "--clear-groups", "env", "-i", "PATH=/usr/bin:/bin",
         "HOME=\(home(uid))", "SWIFTGATE_SOCKET=\(socketPath)", "TERM=xterm-256color", LabGateway.binary] + arguments
    }

    private func asUser(_ uid: UInt32, _ arguments: [String], stdin: String? = nil, timeout: TimeInterval = 60) throws -> CommandResult {
        try CommandRunner.run(userCommand(uid, arguments), stdin: stdin, timeout: timeout)
    }

    private func root(_ arguments: [String]) throws -> CommandResult {
        try CommandRunner.run(["env", "SWIFTGATE_SOCKET=\(socketPath)", "HOME=\(workDirectory)", LabGateway.binary] + arguments,
                              timeout: 30)
    }

    /// The CA, where the user can read it.
    private func userCA(_ lab: LabGateway, _ uid: UInt32) throws -> String {
        let path = home(uid) + "/ca.pem"
        if !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.copyItem(atPath: lab["CA_FILE"], toPath: path)
            XCTAssertEqual(chown(path, uid, uid), 0)
        }
        return path
    }

    private func connections(_ uid: UInt32) throws -> [[String: Any]] {
        let result = try asUser(uid, ["status", "--json"])
        XCTAssertEqual(result.exitCode, 0, result.allOutput)
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return document?["connections"] as? [[String: Any]] ?? []
    }

    private func connectDetached(_ lab: LabGateway, _ uid: UInt32, url: String, group: String) throws -> CommandResult {
        try asUser(uid, ["connect", url, "--cafile", try userCA(lab, uid), "--user", lab["ALICE_USER"], "--group", group,
                         "--passwd-on-stdin", "--detach"], stdin: lab["ALICE_PASS"] + "\n")
    }

    /// A user connects through the service and leaves; the tunnel stays up (ping), `status --json` and `stats`
    /// show it, another admitted user neither sees nor stops it, a user not admitted is refused, and
    /// `disconnect` from another terminal ends it with its teardown.
    func testAUserConnectsThroughTheServiceAndDisconnectsFromAnotherTerminal() throws {
        let lab = try start()
        try startService(lab, users: [Self.user, Self.otherUser])
        let connected = try connectDetached(lab, Self.user, url: lab["URL_HOST"], group: "Engineering")
        XCTAssertEqual(connected.exitCode, 0, connected.allOutput)
        XCTAssertTrue(connected.stderr.contains("is up in the service"), connected.stderr)
        XCTAssertTrue(try pingEventually(lab), "the tunnel carries data after its front end left")

        let list = try connections(Self.user)
        XCTAssertEqual(list.count, 1)
        let status = try XCTUnwrap(list.first)
        let name = try XCTUnwrap(status["name"] as? String)
        XCTAssertEqual(status["state"] as? String, "connected")
        XCTAssertEqual(status["ownerUID"] as? Int, Int(Self.user))
        XCTAssertEqual(status["attached"] as? Int, 0)
        let interface = try XCTUnwrap((status["tunnel"] as? [String: Any])?["interface"] as? String)
        XCTAssertEqual(try lab.client(["ip", "link", "show", "dev", interface]).exitCode, 0, "its tun is there")
        let stats = try asUser(Self.user, ["stats", name])
        XCTAssertEqual(stats.exitCode, 0, stats.allOutput)
        XCTAssertTrue(stats.stdout.hasPrefix("\(name): in "), stats.stdout)

        // Another admitted user: sees nothing, stops nothing.
        XCTAssertEqual(try connections(Self.otherUser).count, 0)
        let foreign = try asUser(Self.otherUser, ["disconnect", name])
        XCTAssertEqual(foreign.exitCode, 1)
        XCTAssertTrue(foreign.stderr.contains("no connection named \(name)"), foreign.stderr)
        let twice = try connectDetached(lab, Self.otherUser, url: lab["URL_HOST"], group: "Engineering")
        XCTAssertEqual(twice.exitCode, 1)
        XCTAssertTrue(twice.stderr.contains("already connected to gateway.lab.test:4443 (another user's connection)"), twice.stderr)
        // A user the service does not admit is refused, in words.
        let stranger = try asUser(Self.strangerUser, ["status"])
        XCTAssertEqual(stranger.exitCode, 1)
        XCTAssertTrue(stranger.stderr.contains("uid \(Self.strangerUser) may not use this service"), stranger.stderr)
        XCTAssertEqual(try connections(Self.user).count, 1, "still up after all that")

        let stopped = try asUser(Self.user, ["disconnect"])
        XCTAssertEqual(stopped.exitCode, 0, stopped.allOutput)
        XCTAssertTrue(stopped.stdout.contains("Disconnected \(name)."), stopped.stdout)
        XCTAssertEqual(try connections(Self.user).count, 0)
        XCTAssertNotEqual(try lab.client(["ip", "link", "show", "dev", interface]).exitCode, 0, "its tun is gone")
        // The user's own database has the history and the groups; the service wrote nothing of the user's.
        let history = try asUser(Self.user, ["history"])
        XCTAssertTrue(history.stdout.contains("gateway.lab.test:4443"), history.allOutput)
    }

    /// Two gateways at once, each with its own tun; the same gateway a second time is refused.
    func testTwoGatewaysAtOnce() throws {
        let lab = try start(["--asa"])
        try startService(lab, users: [Self.user])
        XCTAssertEqual(try connectDetached(lab, Self.user, url: lab["URL_HOST"], group: "Engineering").exitCode, 0)
        let second = try connectDetached(lab, Self.user, url: lab["ASA_URL"] + "/ok", group: lab["ASA_GROUP"])
        XCTAssertEqual(second.exitCode, 0, second.allOutput)
        let again = try connectDetached(lab, Self.user, url: lab["URL_HOST"], group: "Engineering")
        XCTAssertEqual(again.exitCode, 1)
        XCTAssertTrue(again.stderr.contains("already connected to gateway.lab.test:4443 as gateway.lab.test:4443: disconnect it first"),
                      again.stderr)
        let list = try connections(Self.user)
        XCTAssertEqual(list.count, 2)
        XCTAssertEqual(Set(list.map { $0["state"] as? String }), ["connected"])
        let interfaces = list.compactMap { ($0["tunnel"] as? [String: Any])?["interface"] as? String }
        XCTAssertEqual(Set(interfaces).count, 2, "each its own tun: \(interfaces)")
        XCTAssertTrue(try pingEventually(lab))
        let ambiguous = try asUser(Self.user, ["disconnect"])
        XCTAssertEqual(ambiguous.exitCode, 1)
        XCTAssertTrue(ambiguous.stderr.contains("2 connections are up"), ambiguous.stderr)
        for name in list.compactMap({ $0["name"] as? String }) {
            XCTAssertEqual(try asUser(Self.user, ["disconnect", name]).exitCode, 0)
        }
        XCTAssertEqual(try connections(Self.user).count, 0)
    }

    /// No service and no way to start one (this user may not sudo): the front end says what it tried and how to
    /// start the service, and touches nothing.
    func testWithoutAServiceAUserIsToldHowToStartIt() throws {
        let result = try asUser(Self.user, ["connect", "https://gateway.lab.test/", "--non-interactive"])
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.stderr.contains("no service at \(socketPath)"), result.stderr)
        XCTAssertTrue(result.stderr.contains("starting it with sudo"), result.stderr)
        XCTAssertTrue(result.stderr.contains("start it with 'sudo swiftgate service'"), result.stderr)
    }

    /// Socket activation as systemd's swiftgate.socket does it: the listening socket is passed in (LISTEN_FDS),
    /// and the service answers on it.
    func testSocketActivation() throws {
        let activate = "/usr/bin/systemd-socket-activate"
        guard FileManager.default.isExecutableFile(atPath: activate) else {
            throw LabError("systemd-socket-activate is missing: install systemd (scripts/lab/lab.sh install does)")
        }
        let lab = try start()
        let started = try launch(["ip", "netns", "exec", lab["CLIENT_NS"], activate, "-l", socketPath,
                                  "-E", "SWIFTGATE_RUNTIME_DIR=\(lab.runtimeDirectory)", "-E", "HOME=\(workDirectory)",
                                  LabGateway.binary, "service", "--user", String(Self.user)])
        service = started
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: socketPath), Date() < deadline { usleep(50_000) }
        // What the socket unit's SocketMode=0666 does; the service decides who is admitted.
        XCTAssertEqual(chmod(socketPath, 0o666), 0)
        let connected = try connectDetached(lab, Self.user, url: lab["URL_HOST"], group: "Engineering")
        XCTAssertEqual(connected.exitCode, 0, connected.allOutput)
        XCTAssertTrue(started.stderrSoFar.contains("(socket activation)"), started.stderrSoFar)
        XCTAssertTrue(try pingEventually(lab))
        XCTAssertEqual(try asUser(Self.user, ["disconnect"]).exitCode, 0)
        XCTAssertEqual(try connections(Self.user).count, 0)
    }

    /// A question with no front end to answer it waits a bounded time, says why, and the attempt ends.
    func testAQuestionWithNoFrontEndWaitsABoundedTime() throws {
        let lab = try start()
        try startService(lab, users: [Self.user], promptTimeout: 3)
        let fifo = workDirectory + "/stdin"
        XCTAssertEqual(mkfifo(fifo, 0o666), 0)
        // stdin that never gives a line: the front end sits in the password question until it is killed.
        let command = userCommand(Self.user, ["connect", lab["URL_HOST"], "--cafile", try userCA(lab, Self.user),
                                              "--user", "alice", "--group", "Engineering", "--passwd-on-stdin"])
        let frontEnd = try launch(["sh", "-c", "exec \"$@\" 0<>\(fifo)", "sh"] + command)
        let deadline = Date().addingTimeInterval(20)
        var waiting: String?
        while Date() < deadline, waiting == nil {
            waiting = try connections(Self.user).first?["waitingFor"] as? String
            if waiting == nil { usleep(100_000) }
        }
        XCTAssertEqual(waiting, "the login form")
        frontEnd.signal(SIGKILL)
        _ = try? frontEnd.wait(timeout: 10)
        let gone = Date().addingTimeInterval(20)
        while Date() < gone, try !connections(Self.user).isEmpty { usleep(200_000) }
        XCTAssertEqual(try connections(Self.user).count, 0, "the attempt ended after the bounded wait")
        XCTAssertTrue(service?.stderrSoFar.contains("cancelled") == true || service?.stderrSoFar.contains("failed") == true,
                      service?.stderrSoFar ?? "")
    }

    /// The interface as the user, in tmux: connect, `q` leaves (the ping goes on), a new interface reattaches
    /// and shows the live session, `Q` disconnects and quits.
    func testTheInterfaceDetachesAndANewOneReattaches() throws {
        let lab = try start()
        try startService(lab, users: [Self.user])
        let ca = try userCA(lab, Self.user)
        XCTAssertEqual(try asUser(Self.user, ["gateways", "add", "lab", lab["URL_HOST"], "--group", "Engineering",
                                              "--user", "alice"]).exitCode, 0)
        let shell = userCommand(Self.user, ["--cafile", ca]).map { "'\($0)'" }.joined(separator: " ")
        let first = try TmuxScreen(command: shell, label: lab["LAB_ID"])
        try first.waitFor("Gateways (1)")
        try first.keys("Enter")
        try first.waitFor("Username: alice")  // the saved user, typed in already
        try first.keys("Enter")
        try first.waitFor("Password:")
        try first.type(lab["ALICE_PASS"])
        try first.keys("Enter")
        try first.waitFor("connected lab", timeout: 30)
        try first.keys("q")
        XCTAssertTrue(try first.waitFor("swiftgate exited with").contains("swiftgate exited with 0"))
        XCTAssertTrue(try pingEventually(lab), "the VPN stays up after q")
        XCTAssertEqual(try connections(Self.user).first?["attached"] as? Int, 0)

        let second = try TmuxScreen(command: shell, label: lab["LAB_ID"])
        let screen = try second.waitFor("attached to lab, up in the service")
        XCTAssertTrue(screen.contains("connected lab"), screen)
        try second.waitFor("DTLS channel")
        XCTAssertEqual(try connections(Self.user).first?["attached"] as? Int, 1)
        try second.keys("Q")
        try second.waitFor("Disconnect from lab and quit?")
        try second.keys("y")
        XCTAssertTrue(try second.waitFor("swiftgate exited with").contains("swiftgate exited with 0"))
        XCTAssertEqual(try connections(Self.user).count, 0)
    }
}
