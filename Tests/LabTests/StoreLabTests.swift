import Foundation
import XCTest

/// The store against a real ocserv: the profile downloader (phase 4), trust that persists, group aliases and
/// history (issue: saved gateways).
final class StoreLabTests: LabTestCase {
    private var scratch: String?


    override func tearDown() {
        if let scratch { try? FileManager.default.removeItem(atPath: scratch) }
        super.tearDown()
    }


    private func makeScratch() throws -> String {
        let dir = NSTemporaryDirectory() + "sg-store-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        scratch = dir
        return dir
    }

    private static func profileXML(_ hosts: [(String, String)]) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AnyConnectProfile xmlns=\"http://schemas.xmlsoap.org/encoding/\">\n<ServerList>\n"
            + hosts.map { "<HostEntry><HostName>\($0.0)</HostName><HostAddress>\($0.1)</HostAddress></HostEntry>\n" }.joined()
            + "</ServerList>\n</AnyConnectProfile>\n"
    }

    /// A full connection (tun, TLS only), stopped cleanly once connected; returns its output.
    private func connectOnce(_ lab: LabGateway, target: String? = nil, extra: [String] = []) throws -> CommandResult {
        let arguments = ["ip", "netns", "exec", lab["CLIENT_NS"], LabGateway.binary, "connect", target ?? lab["URL"],
                         "--cafile", lab["CA_FILE"], "--user", "alice", "--passwd-on-stdin", "--no-dtls",
                         "--events", "json"] + extra
        let command = try launch(arguments, stdin: "secret\n")
        do {
            try command.waitForOutput(#""event":"connected""#, timeout: 30)
        } catch {
            return try command.wait(timeout: 10)
        }
        command.signal(SIGTERM)
        return try command.wait(timeout: 20)
    }

    private func download(_ result: CommandResult) -> [String: Any]? {
        result.phaseEvents("download").last
    }

    private func swiftgate(_ lab: LabGateway, _ arguments: [String]) throws -> CommandResult {
        try lab.swiftgate(arguments, timeout: 30)
    }

    func testProfileIsStoredImportedSkippedReplacedAndAFailedDownloadEndsTheAttempt() throws {
        let dir = try makeScratch()
        let profile = dir + "/profile.xml"
        try Self.profileXML([("Lab Primary", "198.18.0.1:4443"), ("Lab By Name", "gateway.lab.test:4443")])
            .write(toFile: profile, atomically: true, encoding: .utf8)
        chmod(profile, 0o644)
        let lab = try start(["--extra", "user-profile = \(profile)"])

        let first = try connectOnce(lab)
        XCTAssertEqual(first.exitCode, 0, first.allOutput)
        XCTAssertEqual(download(first)?["state"] as? String, "done", first.stdout)
        let hosts = (download(first)?["detail"] as? [String: Any])?["hosts"] as? [[String: Any]]
        XCTAssertEqual(hosts?.compactMap { $0["name"] as? String }, ["Lab Primary", "Lab By Name"])
        let list = try swiftgate(lab, ["gateways", "list"])
        XCTAssertTrue(list.stdout.contains("Lab Primary") && list.stdout.contains("from the profile of 198.18.0.1:4443"), list.stdout)
        // The URL typed is saved under itself (its address), so the name reads as what it is.
        let show = try swiftgate(lab, ["gateways", "show", "198.18.0.1:4443"])
        XCTAssertTrue(show.stdout.contains("profile:"), show.stdout)

        let second = try connectOnce(lab)
        XCTAssertEqual(download(second)?["state"] as? String, "skipped")
        XCTAssertEqual((download(second)?["detail"] as? [String: Any])?["reason"] as? String, "the stored profile is current")

        // A changed profile on the gateway replaces the stored one (ocserv reads it at start: restart it).
        try Self.profileXML([("Lab Renamed", "198.18.0.1:4443")]).write(toFile: profile, atomically: true, encoding: .utf8)
        chmod(profile, 0o644)
        XCTAssertEqual(try CommandRunner.run(["/bin/bash", LabGateway.script, "restart", lab.stateDirectory], timeout: 60).exitCode, 0)
        let third = try connectOnce(lab)
        XCTAssertEqual(download(third)?["state"] as? String, "done", third.stdout)
        XCTAssertEqual((download(third)?["detail"] as? [String: Any])?["replaced"] as? Bool, true)
        XCTAssertTrue(try swiftgate(lab, ["gateways", "list"]).stdout.contains("Lab Renamed"))

        // The gateway names a new profile it then cannot serve: the attempt ends, saying so.
        try Self.profileXML([("Lab Unreadable", "198.18.0.1:4443")]).write(toFile: profile, atomically: true, encoding: .utf8)
        chmod(profile, 0o644)
        XCTAssertEqual(try CommandRunner.run(["/bin/bash", LabGateway.script, "restart", lab.stateDirectory], timeout: 60).exitCode, 0)
        chmod(profile, 0o000)
        let failed = try connectOnce(lab)
        XCTAssertEqual(failed.exitCode, 6, failed.allOutput)
        XCTAssertEqual(download(failed)?["state"] as? String, "failed")
        XCTAssertTrue(failed.stderr.contains("profile"), failed.stderr)
        XCTAssertFalse(failed.stdout.contains(#""event":"connected""#), "no tunnel without the mandatory profile")
    }

    func testPinnedSelfSignedGatewayConnectsWithAWarningASwappedCertificateIsRefusedAndAValidOneResolvesIt() throws {
        // One database for the gateways below (each lab's own goes away with it).
        let database = try makeScratch() + "/swiftgate.sqlite"
        let selfSigned = try start(["--server-cert", "self-signed"])
        let add = try swiftgate(selfSigned, ["trust", "add", "198.18.0.1:4443", selfSigned["SELF_SIGNED_PIN"], "--db", database])
        XCTAssertEqual(add.exitCode, 0, add.allOutput)
        let pinned = try selfSigned.swiftgate(["connect", selfSigned["URL"], "--db", database, "--user", "alice",
                                               "--passwd-on-stdin", "--authenticate", "--events", "json"], stdin: "secret\n")
        XCTAssertEqual(pinned.exitCode, 0, pinned.allOutput)
        let certificate = try XCTUnwrap(pinned.events.first { $0["event"] as? String == "certificate" })
        XCTAssertEqual(certificate["decision"] as? String, "stored-pin")
        XCTAssertEqual(certificate["trusted"] as? Bool, false, "the warning: accepted by pin, not valid")
        XCTAssertFalse((certificate["reasons"] as? [String] ?? []).isEmpty)
        let oldPin = selfSigned["SELF_SIGNED_PIN"]
        stop(selfSigned)

        // The same host:port now presents another certificate that does not validate either (no --cafile for
        // the CA-signed one): never silently accepted.
        let swapped = try start()
        let refused = try swapped.swiftgate(["connect", swapped["URL"], "--db", database,
                                             "--user", "alice", "--passwd-on-stdin", "--authenticate"], stdin: "secret\n")
        XCTAssertEqual(refused.exitCode, 4, refused.allOutput)
        XCTAssertTrue(refused.stderr.contains("not the certificate pinned for 198.18.0.1:4443"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains(oldPin), "the old pin is shown")
        XCTAssertTrue(refused.stderr.contains(swapped["SERVER_PIN"]), "and the new one")

        // Issue 13, item 15: with its CA the new certificate validates; the errors the pin stood in for are
        // resolved, so it connects, the warning is gone, and the certificate event says so.
        let resolved = try swapped.swiftgate(["connect", swapped["URL"], "--db", database, "--cafile", swapped["CA_FILE"],
                                              "--user", "alice", "--passwd-on-stdin", "--authenticate", "--events", "json"],
                                             stdin: "secret\n")
        XCTAssertEqual(resolved.exitCode, 0, resolved.allOutput)
        let event = try XCTUnwrap(resolved.events.first { $0["event"] as? String == "certificate" })
        XCTAssertEqual(event["decision"] as? String, "warning-cleared")
        XCTAssertEqual(event["trusted"] as? Bool, true)
        XCTAssertTrue(resolved.stdout.contains("no longer warns"), resolved.stdout)
        let trust = try swiftgate(swapped, ["trust", "list", "--db", database])
        XCTAssertFalse(trust.stdout.contains(oldPin), "the stand-in pin is gone: \(trust.stdout)")
        XCTAssertFalse(trust.stdout.contains("warning"), trust.stdout)
    }

    /// Issue 13, item 1: a gateway's profile plants an entry named like another gateway's URL and one reusing the
    /// user's saved name. Neither is saved, the user is told, and `connect URL` goes to the URL typed even when
    /// such an entry is in the database (put there by an older Swiftgate).
    func testAProfileCannotPlantAnEntryThatHijacksAConnection() throws {
        let dir = try makeScratch()
        let profile = dir + "/profile.xml"
        try Self.profileXML([("https://gateway.lab.test:4443", "198.18.0.77:4443"), ("corp", "198.18.0.77:4443"),
                             ("Lab Friendly", "gateway.lab.test:4443")])
            .write(toFile: profile, atomically: true, encoding: .utf8)
        chmod(profile, 0o644)
        let lab = try start(["--extra", "user-profile = \(profile)"])
        XCTAssertEqual(try swiftgate(lab, ["gateways", "add", "corp", lab["URL"], "--user", "alice"]).exitCode, 0)

        let first = try connectOnce(lab, target: "corp")
        XCTAssertEqual(first.exitCode, 0, first.allOutput)
        let saved = try XCTUnwrap(first.doneDetail("download")?["saved"] as? [String: Any], first.stdout)
        XCTAssertEqual(saved["added"] as? [String], ["Lab Friendly"])
        let refused = (saved["refused"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        XCTAssertEqual(refused, ["https://gateway.lab.test:4443", "corp"])
        let told = first.events.first { ($0["message"] as? String ?? "").hasPrefix("the profile of 198.18.0.1:4443") }
        XCTAssertNotNil(told, "the user is told what the profile did: \(first.stdout)")

        let list = try swiftgate(lab, ["gateways", "list"]).stdout
        XCTAssertFalse(list.contains("198.18.0.77"), list)
        XCTAssertTrue(list.contains("Lab Friendly") && list.contains("from the profile of 198.18.0.1:4443"), list)
        XCTAssertTrue(try swiftgate(lab, ["gateways", "show", "corp"]).stdout.contains("url:           \(lab["URL"])"))

        // An entry an older version saved: a name that is a URL, pointing elsewhere.
        let plant = "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"INSERT INTO gateway (name, url, "
            + "source, profileOrigin, createdAt, updatedAt) VALUES ('https://gateway.lab.test:4443', "
            + "'https://198.18.0.77:4443/', 'profile', 'x', '2025-01-01 00:00:00.000', '2025-01-01 00:00:00.000')\"); c.commit()"
        XCTAssertEqual(try CommandRunner.run(["/usr/bin/python3", "-c", plant, lab.databasePath], timeout: 30).exitCode, 0)
        let typed = try lab.swiftgate(["connect", "https://gateway.lab.test:4443", "--cafile", lab["CA_FILE"], "--user", "alice",
                                       "--passwd-on-stdin", "--authenticate"], stdin: "secret\n")
        XCTAssertEqual(typed.exitCode, 0, typed.allOutput)
        XCTAssertEqual(typed.authValue("HOST"), "198.18.0.1", "the URL typed, not the planted entry")
    }

    /// Issue 13, item 16: the profile belongs to the gateway, so a second saved entry for it does not fetch it again.
    func testASecondEntryForTheSameGatewaySeesItsProfile() throws {
        let dir = try makeScratch()
        let profile = dir + "/profile.xml"
        try Self.profileXML([("Lab Primary", "198.18.0.1:4443")]).write(toFile: profile, atomically: true, encoding: .utf8)
        chmod(profile, 0o644)
        let lab = try start(["--extra", "user-profile = \(profile)"])
        for name in ["lab-one", "lab-two"] {
            XCTAssertEqual(try swiftgate(lab, ["gateways", "add", name, lab["URL"]]).exitCode, 0)
        }
        let first = try connectOnce(lab, target: "lab-one")
        XCTAssertEqual(download(first)?["state"] as? String, "done", first.allOutput)
        let second = try connectOnce(lab, target: "lab-two")
        XCTAssertEqual(download(second)?["state"] as? String, "skipped", second.allOutput)
        XCTAssertEqual((download(second)?["detail"] as? [String: Any])?["reason"] as? String, "the stored profile is current")
        XCTAssertTrue(try swiftgate(lab, ["gateways", "show", "lab-two"]).stdout.contains("profile:"))
    }

    func testAWarningClearsOnceTheCertificateValidates() throws {
        let lab = try start()
        XCTAssertEqual(try swiftgate(lab, ["trust", "add", "198.18.0.1:4443", lab["SERVER_PIN"]]).exitCode, 0)
        XCTAssertTrue(try swiftgate(lab, ["trust", "list"]).stdout.contains("warning"))
        let result = try lab.swiftgate(["connect", lab["URL"], "--cafile", lab["CA_FILE"], "--user", "alice",
                                        "--passwd-on-stdin", "--authenticate", "--events", "json"], stdin: "secret\n")
        XCTAssertEqual(result.exitCode, 0, result.allOutput)
        XCTAssertEqual(result.events.first { $0["event"] as? String == "certificate" }?["decision"] as? String, "valid")
        XCTAssertFalse(try swiftgate(lab, ["trust", "list"]).stdout.contains("warning"), "cleared: it validates now")
    }

    func testGroupsAreSavedTheChoiceBecomesTheDefaultAndHistoryIsKept() throws {
        let lab = try start()
        let first = try lab.swiftgate(["connect", lab["URL"], "--cafile", lab["CA_FILE"], "--user", "alice", "--passwd-on-stdin",
                                       "--group", "Sales", "--authenticate"], stdin: "secret\n")
        XCTAssertEqual(first.exitCode, 0, first.allOutput)
        let show = try swiftgate(lab, ["gateways", "show", "198.18.0.1:4443"])
        XCTAssertTrue(show.stdout.contains("default group: Sales"), show.stdout)
        XCTAssertTrue(show.stdout.contains("Engineering & Ops (EU) [Engineering]"), show.stdout)
        XCTAssertTrue(show.stdout.contains("user:          alice"), show.stdout)
        // By its address again, with no --group and no --user: the saved ones.
        let byName = try lab.swiftgate(["connect", "198.18.0.1:4443", "--cafile", lab["CA_FILE"], "--passwd-on-stdin",
                                        "--authenticate", "--events", "json"], stdin: "secret\n")
        XCTAssertEqual(byName.exitCode, 0, byName.allOutput)
        let chosen = (byName.doneDetail("group-select")?["chosen"] as? [String: Any])?["value"] as? String
        XCTAssertEqual(chosen, "Sales")
        let history = try swiftgate(lab, ["history"])
        XCTAssertEqual(history.stdout.components(separatedBy: "authenticated").count - 1, 2, history.stdout)
        XCTAssertFalse(history.stdout.contains("secret"))
    }

    /// `connect` opens an existing store on a thread of its own while its command line is parsed (StoreWarmUp,
    /// issue 12): a connect refused before the store would be opened still creates none, and the connects after the
    /// first run on the store opened ahead, with what the first saved (the gateway, its user, its history).
    func testAConnectRefusedBeforeTheStoreCreatesNoneAndLaterConnectsUseTheStoreOpenedAhead() throws {
        let lab = try start()
        let refused = try lab.swiftgate(["connect", lab["URL"], "--cafile", lab["CA_FILE"], "--user", "alice",
                                         "--passwd-on-stdin", "--script", lab.stateDirectory + "/no-such-script"],
                                        stdin: "secret\n")
        XCTAssertEqual(refused.exitCode, 64, refused.allOutput)  // ArgumentParser's usage exit, as other refused arguments
        XCTAssertTrue(refused.stderr.contains("not an executable file"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: lab.databasePath), "a refused connect created the store")

        XCTAssertTrue(try connectOnce(lab).stdout.contains(#""event":"connected""#))
        XCTAssertTrue(FileManager.default.fileExists(atPath: lab.databasePath))
        // No --user: the one the first connect saved, read from the store opened ahead.
        let second = try lab.swiftgate(["connect", lab["URL"], "--cafile", lab["CA_FILE"], "--passwd-on-stdin",
                                        "--authenticate", "--events", "json"], stdin: "secret\n")
        XCTAssertEqual(second.exitCode, 0, second.allOutput)
        let history = try swiftgate(lab, ["history"])
        XCTAssertEqual(history.stdout.components(separatedBy: "\n").filter { !$0.isEmpty }.count, 2, history.stdout)
        XCTAssertTrue(history.stdout.contains("authenticated"), history.stdout)
    }

    /// Issue 13, item 4, end to end: links planted at the log path and at the database's -wal (as root, which
    /// Swiftgate is under sudo) are refused; their target is untouched.
    func testLinksPlantedInTheUsersFilesAreNotFollowed() throws {
        let lab = try start()
        let dir = try makeScratch()
        let precious = dir + "/precious"
        try "precious\n".write(toFile: precious, atomically: true, encoding: .utf8)
        func plant(_ path: String) {
            XCTAssertEqual(symlink(precious, path), 0)
            XCTAssertEqual(lchown(path, 65534, 65534), 0, "a link the user made, not root")
        }
        XCTAssertEqual(mkdir(dir + "/state", 0o700), 0)
        XCTAssertEqual(mkdir(dir + "/state/swiftgate", 0o700), 0)
        plant(dir + "/state/swiftgate/swiftgate.log")
        let logged = try lab.client(["/usr/bin/env", "XDG_STATE_HOME=\(dir)/state", LabGateway.binary, "connect", lab["URL"],
                                     "--cafile", lab["CA_FILE"], "--user", "alice", "--passwd-on-stdin", "--authenticate",
                                     "--verbose"], stdin: "secret\n")
        XCTAssertEqual(logged.exitCode, 0, "the connection goes on without its log file: \(logged.allOutput)")
        XCTAssertTrue(logged.stderr.contains("no log file") && logged.stderr.contains("symbolic link"), logged.stderr)
        XCTAssertEqual(try String(contentsOfFile: precious, encoding: .utf8), "precious\n")

        // The user replaces the -wal (left by the run above) with a link.
        unlink(lab.databasePath + "-wal")
        plant(lab.databasePath + "-wal")
        let listed = try swiftgate(lab, ["gateways", "list"])
        XCTAssertEqual(listed.exitCode, 1, listed.allOutput)
        XCTAssertTrue(listed.stderr.contains("symbolic link"), listed.stderr)
        XCTAssertEqual(try String(contentsOfFile: precious, encoding: .utf8), "precious\n")
    }

    func testImportingAProfileFile() throws {
        let lab = try start()
        let dir = try makeScratch()
        try Self.profileXML([("Imported One", "vpn1.example.com"), ("Imported Two", "vpn2.example.com")])
            .write(toFile: dir + "/p.xml", atomically: true, encoding: .utf8)
        let imported = try swiftgate(lab, ["gateways", "import", dir + "/p.xml"])
        XCTAssertEqual(imported.exitCode, 0, imported.allOutput)
        XCTAssertTrue(imported.stdout.contains("Imported 2 of 2"), imported.stdout)
        XCTAssertTrue(try swiftgate(lab, ["gateways", "list"]).stdout.contains("https://vpn2.example.com/"))
    }
}
