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

    /// The binary and the lab's curl browser where the test users can run them: the checkout may sit in a
    /// directory only root can enter (a fresh clone under `mktemp -d`).
    private static let userFiles: String = {
        let directory = NSTemporaryDirectory() + "sg-service-bin-\(getpid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o755])
        for (source, name) in [(LabGateway.binary, "swiftgate"),
                               (LabGateway.repositoryRoot + "/scripts/lab/curl-browser.sh", "curl-browser.sh")] {
            let target = directory + "/" + name
            try? FileManager.default.removeItem(atPath: target)
            if link(source, target) != 0 { try? FileManager.default.copyItem(atPath: source, toPath: target) }
            chmod(target, 0o755)
        }
        return directory
    }()

    private var userBinary: String { Self.userFiles + "/swiftgate" }

    override class func tearDown() {
        try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "sg-service-bin-\(getpid())")
        super.tearDown()
    }

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
    private func userCommand(_ uid: UInt32, _ arguments: [String], environment: [String] = []) -> [String] {
        ["setpriv", "--reuid", String(uid), "--regid", String(uid), "--clear-groups", "env", "-i", "PATH=/usr/bin:/bin",
         "HOME=\(home(uid))", "SWIFTGATE_SOCKET=\(socketPath)", "TERM=xterm-256color"] + environment
            + [userBinary] + arguments
    }

    private func asUser(_ uid: UInt32, _ arguments: [String], stdin: String? = nil, timeout: TimeInterval = 60) throws -> CommandResult {
        try CommandRunner.run(userCommand(uid, arguments), stdin: stdin, timeout: timeout)
    }

    private func root(_ arguments: [String], stdin: String? = nil) throws -> CommandResult {
        try CommandRunner.run(["env", "SWIFTGATE_SOCKET=\(socketPath)", "HOME=\(workDirectory)", LabGateway.binary] + arguments,
                              stdin: stdin, timeout: 60)
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

        // `attach` from another terminal: the story so far first (the replayed connect), Ctrl-C lets go.
        let follower = try launch(userCommand(Self.user, ["attach", name, "--events", "json"]))
        try follower.waitForOutput(#""event":"connected""#, timeout: 20)
        XCTAssertEqual(try connections(Self.user).first?["attached"] as? Int, 1)
        follower.signal(SIGINT)
        let followed = try follower.wait(timeout: 20)
        XCTAssertEqual(followed.exitCode, 0, followed.allOutput)
        XCTAssertTrue(followed.stderr.contains("detached; \(name) stays up"), followed.stderr)
        XCTAssertEqual(try connections(Self.user).first?["state"] as? String, "connected")

        let stopped = try asUser(Self.user, ["disconnect"])
        XCTAssertEqual(stopped.exitCode, 0, stopped.allOutput)
        XCTAssertTrue(stopped.stdout.contains("Disconnected \(name)."), stopped.stdout)
        XCTAssertEqual(try connections(Self.user).count, 0)
        XCTAssertNotEqual(try lab.client(["ip", "link", "show", "dev", interface]).exitCode, 0, "its tun is gone")
        // The user's own database has the history and the groups; the service wrote nothing of the user's.
        // The connect that left it up wrote "detached"; the disconnect that heard of its end finished the record.
        let history = try asUser(Self.user, ["history"])
        XCTAssertTrue(history.stdout.contains("gateway.lab.test:4443"), history.allOutput)
        XCTAssertTrue(history.stdout.contains("disconnected by the user"), history.stdout)
        XCTAssertFalse(history.stdout.contains("detached"), history.stdout)
    }

    /// External-browser SSO through the service: the front end (the user's) opens the user's browser, the
    /// token comes back to the service's callback listener, the tunnel comes up; root started no browser.
    func testSingleSignOnOpensTheUsersOwnBrowser() throws {
        let lab = try start(["--asa"])
        try startService(lab, users: [Self.user])
        let hops = home(Self.user) + "/browser.log"
        let command = ["ip", "netns", "exec", lab["CLIENT_NS"]]
            + userCommand(Self.user, ["connect", lab["ASA_URL"] + "/sso-external", "--cafile", try userCA(lab, Self.user),
                                      "--external-browser", Self.userFiles + "/curl-browser.sh", "--events", "json", "--detach"],
                          environment: ["CURL_BROWSER_CAFILE=\(try userCA(lab, Self.user))", "CURL_BROWSER_LOG=\(hops)"])
        let result = try CommandRunner.run(command, timeout: 90)
        XCTAssertEqual(result.exitCode, 0, result.allOutput)
        let sso = result.events.filter { $0["event"] as? String == "sso" }
        XCTAssertEqual(sso.map { $0["state"] as? String }, ["started", "done"], "\(sso)")
        XCTAssertEqual(sso.first?["browser"] as? String, Self.userFiles + "/curl-browser.sh")
        var info = stat()
        XCTAssertEqual(stat(hops, &info), 0, "the browser ran")
        XCTAssertEqual(info.st_uid, Self.user, "as the user, not as root")
        XCTAssertTrue(try pingEventually(lab))
        XCTAssertEqual(try asUser(Self.user, ["disconnect"]).exitCode, 0)
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

    /// The interface beside a connection made elsewhere: it attaches to it, connects a second gateway beside it,
    /// and marks both rows up on the gateways screen.
    func testTheInterfaceShowsTwoConnectionsOnTheGatewaysScreen() throws {
        let lab = try start(["--asa"])
        try startService(lab, users: [Self.user])
        let ca = try userCA(lab, Self.user)
        XCTAssertEqual(try asUser(Self.user, ["gateways", "add", "lab", lab["URL_HOST"], "--group", "Engineering",
                                              "--user", "alice"]).exitCode, 0)
        XCTAssertEqual(try asUser(Self.user, ["gateways", "add", "asa", lab["ASA_URL"] + "/ok", "--group", lab["ASA_GROUP"],
                                              "--user", "alice"]).exitCode, 0)
        let first = try asUser(Self.user, ["connect", "lab", "--cafile", ca, "--passwd-on-stdin", "--detach"],
                               stdin: lab["ALICE_PASS"] + "\n")
        XCTAssertEqual(first.exitCode, 0, first.allOutput)
        let shell = userCommand(Self.user, ["--cafile", ca]).map { "'\($0)'" }.joined(separator: " ")
        let screen = try TmuxScreen(command: shell, label: lab["LAB_ID"])
        try screen.waitFor("attached to lab, up in the service")
        try screen.keys("1")
        try screen.waitFor("Gateways (2)")
        try screen.keys("g", "Enter")  // the first row: asa
        try screen.waitFor("Username: alice", timeout: 30)  // the saved user; Enter moves to the password
        try screen.keys("Enter")
        try screen.waitFor("> Password:")
        try screen.type(lab["ASA_PASS"])
        try screen.keys("Enter")
        try screen.waitFor("connected asa", timeout: 30)
        try screen.waitFor("DTLS up", timeout: 30)
        try screen.keys("1")
        try screen.waitFor("Gateways (2)")
        let deadline = Date().addingTimeInterval(20)
        var rows = ""
        while Date() < deadline {
            rows = screen.text
            let up = rows.split(separator: "\n").filter { $0.contains(" up ") || $0.hasSuffix(" up") || $0.contains("up  ") }
            if rows.contains("asa"), up.count >= 2 { break }
            usleep(200_000)
        }
        let lines = rows.split(separator: "\n")
        XCTAssertTrue(lines.contains { $0.contains("lab ") && $0.contains(" up") }, rows)
        XCTAssertTrue(lines.contains { $0.contains("asa ") && $0.contains(" up") }, rows)
        XCTAssertEqual(try connections(Self.user).count, 2)
        try screen.keys("q")
        XCTAssertTrue(try screen.waitFor("swiftgate exited with").contains("swiftgate exited with 0"))
        XCTAssertEqual(try connections(Self.user).count, 2, "q leaves both up")
        for name in ["lab", "asa"] { XCTAssertEqual(try asUser(Self.user, ["disconnect", name]).exitCode, 0) }
    }

    /// The certificate question of a connection run by root goes to the user's interface, and the pin it
    /// accepts lands in the user's own database (the service keeps none); the next connection trusts it.
    func testTheTrustQuestionGoesToTheUsersInterfaceAndThePinToTheirDatabase() throws {
        let lab = try start(["--server-cert", "self-signed"])
        try startService(lab, users: [Self.user])
        XCTAssertEqual(try asUser(Self.user, ["gateways", "add", "lab", lab["URL_HOST"], "--group", "Engineering",
                                              "--user", "alice"]).exitCode, 0)
        let shell = userCommand(Self.user, []).map { "'\($0)'" }.joined(separator: " ")
        let screen = try TmuxScreen(command: shell, label: lab["LAB_ID"])
        try screen.waitFor("Gateways (1)")
        try screen.keys("Enter")
        try screen.waitFor("a stray key never trusts", timeout: 30)
        try screen.keys("t")
        try screen.waitFor("Username: alice", timeout: 30)
        try screen.keys("Enter")
        try screen.waitFor("> Password:")
        try screen.type(lab["ALICE_PASS"])
        try screen.keys("Enter")
        try screen.waitFor("connected lab", timeout: 30)
        try screen.keys("Q")
        try screen.waitFor("Disconnect from lab and quit?")
        try screen.keys("y")
        try screen.waitFor("swiftgate exited with")
        let pins = try asUser(Self.user, ["trust", "list"])
        XCTAssertTrue(pins.stdout.contains(lab["SELF_SIGNED_PIN"]), pins.allOutput)
        // The headless front end never trusts at a prompt: only the user's saved pin lets this one through.
        let again = try asUser(Self.user, ["connect", "lab", "--passwd-on-stdin", "--detach"], stdin: lab["ALICE_PASS"] + "\n")
        XCTAssertEqual(again.exitCode, 0, again.allOutput)
        XCTAssertEqual(try asUser(Self.user, ["disconnect"]).exitCode, 0)
    }

    /// A service killed with SIGKILL leaves its sessions' state; the next service undoes what they set (the
    /// vpnc-script's disconnect with the saved environment) before it takes connections.
    func testTheNextServiceCleansUpAfterOneThatCrashed() throws {
        let lab = try start()
        try startService(lab, users: [])
        let (script, dump) = try TeardownLabTests.wrapperScript(in: lab.stateDirectory)
        // Root's front end may name its own script (a user's connection always runs the system one).
        let connected = try root(["connect", lab["URL"], "--cafile", lab["CA_FILE"], "--user", "alice", "--passwd-on-stdin",
                                  "--no-dtls", "--script", script, "--detach"], stdin: lab["ALICE_PASS"] + "\n")
        XCTAssertEqual(connected.exitCode, 0, connected.allOutput)
        XCTAssertTrue(try pingEventually(lab))
        service?.signal(SIGKILL)
        _ = try service?.wait(timeout: 20)
        service = nil
        XCTAssertFalse(try String(contentsOfFile: dump, encoding: .utf8).contains("=== reason=disconnect"), "no teardown ran")
        try startService(lab, users: [])
        XCTAssertTrue(service?.stderrSoFar.contains("left by a service that did not stop cleanly") == true,
                      service?.stderrSoFar ?? "")
        XCTAssertTrue(try String(contentsOfFile: dump, encoding: .utf8).contains("=== reason=disconnect"),
                      "the saved disconnect ran")
        let routes = try lab.client(["ip", "route"], timeout: 30)
        XCTAssertFalse(routes.stdout.contains("198.19.0.0"), "no route left: \(routes.stdout)")
    }

    /// No service running, and the user may start it with sudo: the front end says so, starts it (in the
    /// background, for this user) and the connection goes through it.
    func testWithoutAServiceTheFrontEndStartsOneThroughSudo() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sudo") else {
            throw LabError("sudo is missing: install it (scripts/lab/lab.sh install does)")
        }
        let lab = try start()
        // sudo wants the user in the passwd database: a system account for the test's uid, removed after.
        var madeUser = false
        if try CommandRunner.run(["getent", "passwd", String(Self.user)], timeout: 10).exitCode != 0 {
            let made = try CommandRunner.run(["useradd", "--system", "--no-create-home", "--uid", String(Self.user),
                                              "--shell", "/usr/sbin/nologin", "--home-dir", "/nonexistent", "sg-lab-\(Self.user)"],
                                             timeout: 30)
            XCTAssertEqual(made.exitCode, 0, made.allOutput)
            madeUser = made.exitCode == 0
        }
        defer { if madeUser { _ = try? CommandRunner.run(["userdel", "sg-lab-\(Self.user)"], timeout: 30) } }
        let rule = "/etc/sudoers.d/swiftgate-lab-\(lab["LAB_ID"])"
        try ("Defaults:#\(Self.user) env_keep += \"SWIFTGATE_RUNTIME_DIR\"\n"
             + "#\(Self.user) ALL=(root) NOPASSWD: \(userBinary) service *\n").write(toFile: rule, atomically: true, encoding: .utf8)
        chmod(rule, 0o440)
        defer {
            unlink(rule)
            _ = try? CommandRunner.run(["pkill", "-TERM", "-f", "swiftgate service --user .* --socket \(socketPath)"], timeout: 10)
        }
        let command = ["ip", "netns", "exec", lab["CLIENT_NS"]]
            + userCommand(Self.user, ["connect", lab["URL_HOST"], "--cafile", try userCA(lab, Self.user), "--user", "alice",
                                      "--group", "Engineering", "--passwd-on-stdin", "--detach"],
                          environment: ["SWIFTGATE_RUNTIME_DIR=\(lab.runtimeDirectory)"])
        let connected = try CommandRunner.run(command, stdin: lab["ALICE_PASS"] + "\n", timeout: 60)
        XCTAssertEqual(connected.exitCode, 0, connected.allOutput)
        XCTAssertTrue(connected.stderr.contains("starting it with sudo"), connected.stderr)
        XCTAssertTrue(try pingEventually(lab))
        XCTAssertEqual(try connections(Self.user).first?["ownerUID"] as? Int, Int(Self.user))
        XCTAssertEqual(try asUser(Self.user, ["disconnect"]).exitCode, 0)
    }

    /// The units `make install` installs are what systemd accepts (its own checker, with the paths filled in
    /// as the Makefile does).
    func testTheSystemdUnitsVerify() throws {
        let analyze = "/usr/bin/systemd-analyze"
        guard FileManager.default.isExecutableFile(atPath: analyze) else {
            throw LabError("systemd-analyze is missing: install systemd (scripts/lab/lab.sh install does)")
        }
        let contrib = LabGateway.repositoryRoot + "/contrib/systemd/"
        let unit = try String(contentsOfFile: contrib + "swiftgate.service", encoding: .utf8)
            .replacingOccurrences(of: "@BINDIR@", with: Self.userFiles)
            .replacingOccurrences(of: "@DOCDIR@", with: LabGateway.repositoryRoot)
        try unit.write(toFile: workDirectory + "/swiftgate.service", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: contrib + "swiftgate.socket", toPath: workDirectory + "/swiftgate.socket")
        let verified = try CommandRunner.run([analyze, "verify", workDirectory + "/swiftgate.socket",
                                              workDirectory + "/swiftgate.service"], timeout: 60)
        XCTAssertEqual(verified.exitCode, 0, verified.allOutput)
        XCTAssertEqual(verified.allOutput.trimmingCharacters(in: .whitespacesAndNewlines), "", "no warning either")
        XCTAssertTrue(unit.contains("ExecStart=\(Self.userFiles)/swiftgate service --group swiftgate"), unit)
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
        var seen: [[String: Any]] = []
        while Date() < deadline, waiting == nil {
            seen = try connections(Self.user)
            waiting = seen.first?["waitingFor"] as? String
            if waiting == nil { usleep(100_000) }
        }
        XCTAssertEqual(waiting, "the login form", "status: \(seen); front end: \(frontEnd.stdoutSoFar) \(frontEnd.stderrSoFar)")
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
