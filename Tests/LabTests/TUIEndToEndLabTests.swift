import Foundation
import XCTest

/// The real binary in tmux against the lab gateway: pick the saved gateway, trust its certificate at the
/// prompt, choose a group with the keyboard, type the password, see every phase done and DTLS carrying data,
/// quit with a clean disconnect (issue: the full-screen interface).
final class TUIEndToEndLabTests: LabTestCase {
    private var session: String?

    override func setUpWithError() throws {
        try super.setUpWithError()
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            throw LabError("tmux is missing: run `sudo scripts/lab/lab.sh install` (make test does)")
        }
    }

    override func tearDown() {
        if let session { _ = try? CommandRunner.run(["tmux", "kill-session", "-t", session], timeout: 10) }
        super.tearDown()
    }

    private func tmux(_ arguments: String...) throws -> CommandResult {
        try CommandRunner.run(["tmux"] + arguments, timeout: 10)
    }

    private func screen() throws -> String {
        try tmux("capture-pane", "-p", "-t", session!).stdout
    }

    /// Polls the screen until it shows `text`, within a deadline.
    @discardableResult
    private func waitFor(_ text: String, timeout: TimeInterval = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return last }
            usleep(100_000)
        }
        throw LabError("the screen never showed '\(text)' within \(Int(timeout)) s; last screen:\n\(last)")
    }

    private func keys(_ keys: String...) throws {
        XCTAssertEqual(try CommandRunner.run(["tmux", "send-keys", "-t", session!] + keys, timeout: 10).exitCode, 0)
    }

    /// Starts the interface in tmux, in the client namespace, on `database`; `environment` is prepended.
    private func openInterface(_ lab: LabGateway, database: String, arguments: String = "", environment: String = "") throws {
        let name = "sg-tui-\(lab["LAB_ID"])"
        session = name
        XCTAssertEqual(try tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40",
                                "\(environment) ip netns exec \(lab["CLIENT_NS"]) \(LabGateway.binary) --db \(database) \(arguments); "
                                + "echo swiftgate exited with $?; sleep 600").exitCode, 0)
        try waitFor("Gateways (1)")
    }

    /// Waits for the certificate prompt to take keys: in its first second it ignores them (issue 13, item 5).
    @discardableResult
    private func waitForSettledPrompt() throws -> String {
        try waitFor("a stray key never trusts")
    }

    /// Ctrl-C: the interface disconnects and exits 0.
    private func quitWithControlC() throws {
        try keys("C-c")
        let after = try waitFor("swiftgate exited with")
        XCTAssertTrue(after.contains("swiftgate exited with 0"), after)
    }

    /// The username form (alice is typed in already), then the password: returns the connected screen.
    private func logIn(_ lab: LabGateway) throws -> String {
        try waitFor("Username: alice")
        try keys("Enter")
        try waitFor("Password:")
        try keys("-l", lab["ALICE_PASS"])
        try keys("Enter")
        return try waitFor("carries data", timeout: 30)
    }

    func testConnectOnceCoversTheProfileDownloadAndStoresNoPin() throws {
        // protocol phase 4 opens a second TLS session: a "once" decision must cover it without a second prompt.
        let profileDirectory = NSTemporaryDirectory() + "sg-tui-profile-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: profileDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: profileDirectory) }
        let profile = profileDirectory + "/profile.xml"
        try "<AnyConnectProfile><ServerList><HostEntry><HostName>From Profile</HostName><HostAddress>198.18.0.1:4443</HostAddress></HostEntry></ServerList></AnyConnectProfile>"
            .write(toFile: profile, atomically: true, encoding: .utf8)
        chmod(profile, 0o644)
        let lab = try start(["--server-cert", "self-signed", "--extra", "user-profile = \(profile)"])
        let database = lab.stateDirectory + "/tui.sqlite"
        XCTAssertEqual(try lab.swiftgate(["gateways", "add", "lab", lab["URL"], "--user", "alice", "--group", "Engineering",
                                          "--db", database]).exitCode, 0)
        try openInterface(lab, database: database)
        try keys("Enter")
        try waitFor("Untrusted certificate: 198.18.0.1:4443")
        try waitForSettledPrompt()
        try keys("o")
        let connected = try logIn(lab)
        XCTAssertFalse(connected.contains("Untrusted certificate"), "no second prompt for the download session")
        try keys("p")
        let timeline = try waitFor("4 Download")
        XCTAssertTrue(timeline.split(separator: "\n").first { $0.contains("4 Download") }?.contains("done") ?? false, timeline)
        try quitWithControlC()
        let trust = try lab.swiftgate(["trust", "list", "--db", database])
        XCTAssertTrue(trust.stdout.contains("No pinned certificates"), "once is not always: \(trust.stdout)")
        // Issue 13, item 1: a gateway trusted once leaves nothing behind: no profile entries, no group aliases.
        let list = try lab.swiftgate(["gateways", "list", "--db", database]).stdout
        XCTAssertFalse(list.contains("From Profile"), list)
        let show = try lab.swiftgate(["gateways", "show", "lab", "--db", database]).stdout
        XCTAssertTrue(show.contains("groups seen:   -"), show)
    }

    func testTheIdentityPickerOffersTheUsersCertificates() throws {
        let lab = try start(["--extra", "enable-auth = certificate"])
        let database = lab.stateDirectory + "/tui.sqlite"
        let certificates = lab.stateDirectory + "/config/swiftgate/certs"
        try FileManager.default.createDirectory(atPath: certificates, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: lab["CLIENT_CERT"], toPath: certificates + "/alice.pem")
        try FileManager.default.copyItem(atPath: lab["CLIENT_KEY"], toPath: certificates + "/alice-key.pem")
        XCTAssertEqual(try lab.swiftgate(["gateways", "add", "lab", lab["URL"], "--db", database]).exitCode, 0)
        try openInterface(lab, database: database, arguments: "--cafile \(lab["CA_FILE"])",
                          environment: "XDG_CONFIG_HOME=\(lab.stateDirectory)/config")
        try keys("Enter")
        let picker = try waitFor("Choose a client certificate")
        XCTAssertTrue(picker.contains("CN=Swiftgate Lab Client CA"), "the CAs the gateway named: \(picker)")
        XCTAssertTrue(picker.contains("alice.pem"))
        try keys("Enter")
        try waitFor("Choose a group")
        try keys("Enter")
        try waitFor("carries data", timeout: 30)
        try quitWithControlC()
        let show = try lab.swiftgate(["gateways", "show", "lab", "--db", database])
        XCTAssertTrue(show.stdout.contains("alice.pem (key \(certificates)/alice-key.pem)"), "saved with the gateway: \(show.stdout)")
    }

    func testConnectThroughTheInterfaceAndQuitCleanly() throws {
        let lab = try start(["--server-cert", "self-signed"])
        let database = lab.stateDirectory + "/tui.sqlite"
        let add = try lab.swiftgate(["gateways", "add", "lab", lab["URL"], "--user", "alice", "--db", database])
        XCTAssertEqual(add.exitCode, 0, add.allOutput)
        let name = "sg-tui-\(lab["LAB_ID"])"
        session = name
        XCTAssertEqual(try tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40",
                                "ip netns exec \(lab["CLIENT_NS"]) \(LabGateway.binary) --db \(database); echo swiftgate exited with $?; sleep 600").exitCode, 0)

        try waitFor("Gateways (1)")
        try keys("Enter")
        let opened = try waitFor("Untrusted certificate: 198.18.0.1:4443")
        if opened.contains("Read it first") {
            // Still in its first second: even the key that trusts answers nothing yet.
            try keys("t")
            try waitFor("Too soon")
        }
        XCTAssertTrue(try screen().contains(lab["SELF_SIGNED_PIN"]), "the pin is shown")
        try waitForSettledPrompt()
        try keys("Enter")  // a stray Enter must not trust
        try waitFor("Enter does not answer here")
        try keys("a")  // 'a' adds a gateway on the home screen: here it must not trust
        try waitFor("a does not answer here: press o (once), t (always trust)")
        XCTAssertTrue(try screen().contains("Untrusted certificate"), "neither key answered the prompt")
        try keys("t")
        try waitFor("Choose a group")
        try keys("Down", "Down", "Enter")  // DEFAULT, Engineering, Sales: the third
        let connected = try logIn(lab)
        XCTAssertFalse(connected.contains(lab["ALICE_PASS"]), "the password is never on screen")
        try waitFor("DTLS channel ────")
        let ping = try lab.client(["ping", "-c", "2", "-W", "5", lab["VPN_GW_ADDR"]], timeout: 30)
        XCTAssertEqual(ping.exitCode, 0, ping.allOutput)

        try keys("p")
        let timeline = try waitFor("6 DTLS")
        for phase in ["1 TLS", "2 Group select", "3 User auth", "5 CSTP", "6 DTLS"] {
            let row = timeline.split(separator: "\n").first { $0.contains(phase) } ?? ""
            XCTAssertTrue(row.contains("done"), "\(phase) done: \(row)")
        }
        XCTAssertTrue(timeline.split(separator: "\n").first { $0.contains("4 Download") }?.contains("skipped") ?? false)

        try keys("q")
        try waitFor("Disconnect from lab and quit?")
        try keys("y")
        // The terminal is given back (the shell's echo appears on it) and the exit status is 0.
        let after = try waitFor("swiftgate exited with")
        XCTAssertTrue(after.contains("swiftgate exited with 0"), after)
        XCTAssertFalse(try lab.client(["ip", "-o", "link"], timeout: 30).stdout.contains("tun"), "the tun is gone")
        let log = try String(contentsOfFile: lab["OCSERV_LOG"], encoding: .utf8)
        XCTAssertTrue(log.contains("invalidating session of user 'alice'"), "the DISCONNECT reached the gateway")
        let history = try lab.swiftgate(["history", "--db", database])
        XCTAssertTrue(history.stdout.contains("disconnected: disconnected by the user"), history.stdout)
        let trust = try lab.swiftgate(["trust", "list", "--db", database])
        XCTAssertTrue(trust.stdout.contains(lab["SELF_SIGNED_PIN"]), "'always trust' stored the pin: \(trust.stdout)")
        let show = try lab.swiftgate(["gateways", "show", "lab", "--db", database])
        XCTAssertTrue(show.stdout.contains("default group: Sales"), "the group choice is remembered: \(show.stdout)")
    }

    /// SIGTERM while a prompt is open (issue 13, item 13): the prompt is answered "no", the attempt ends and the
    /// interface exits, instead of waiting for a key forever.
    func testSIGTERMWhileATrustPromptIsOpenEndsTheInterface() throws {
        let lab = try start(["--server-cert", "self-signed"])
        let database = lab.stateDirectory + "/tui.sqlite"
        XCTAssertEqual(try lab.swiftgate(["gateways", "add", "lab", lab["URL"], "--user", "alice", "--db", database]).exitCode, 0)
        try openInterface(lab, database: database)
        try keys("Enter")
        try waitFor("Untrusted certificate: 198.18.0.1:4443")
        let shell = try tmux("list-panes", "-t", session!, "-F", "#{pane_pid}").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let child = try CommandRunner.run(["pgrep", "-P", shell], timeout: 10).stdout
        let pid = try XCTUnwrap(child.split(separator: "\n").first.flatMap { Int32($0) }, "the interface's pid under \(shell)")
        kill(pid, SIGTERM)
        let after = try waitFor("swiftgate exited with", timeout: 15)
        XCTAssertTrue(after.contains("swiftgate exited with 0"), after)
        let trust = try lab.swiftgate(["trust", "list", "--db", database])
        XCTAssertFalse(trust.stdout.contains(lab["SELF_SIGNED_PIN"]), "nothing was trusted: \(trust.stdout)")
    }
}
