import Foundation
import XCTest

/// No secret leaks (DESIGN.md §6): a full connection at the most verbose logging, then every output — stdout,
/// stderr, the log file, the database and its WAL, the events — searched for the password and the cookie.
final class SecretLeakLabTests: LabTestCase {



    /// Every file Swiftgate wrote for this lab (XDG data and state directories).
    private func writtenFiles(_ lab: LabGateway) -> [String: Data] {
        var files: [String: Data] = [:]
        for root in [lab.stateDirectory + "/xdg-data", lab.stateDirectory + "/xdg-state"] {
            guard let walker = FileManager.default.enumerator(atPath: root) else { continue }
            for case let relative as String in walker {
                let path = root + "/" + relative
                if let data = FileManager.default.contents(atPath: path) { files[path] = data }
            }
        }
        return files
    }

    func testPasswordAndCookieAppearNowhere() throws {
        let lab = try start()
        setenv("XDG_STATE_HOME", lab.stateDirectory + "/xdg-state", 1)
        defer { unsetenv("XDG_STATE_HOME") }
        let password = lab["ALICE_PASS"]

        // 1. The password, through a whole tunnel session at debug level.
        let connect = try launch(["ip", "netns", "exec", lab["CLIENT_NS"], LabGateway.binary, "connect", lab["URL"],
                                               "--cafile", lab["CA_FILE"], "--user", "alice", "--passwd-on-stdin", "--verbose",
                                               "--events", "json"], stdin: password + "\n")
        try connect.waitForOutput(#""event":"connected""#, timeout: 30)
        XCTAssertEqual(try lab.client(["ping", "-c", "2", "-W", "5", lab["VPN_GW_ADDR"]], timeout: 30).exitCode, 0)
        connect.signal(SIGTERM)
        let first = try connect.wait(timeout: 20)
        XCTAssertEqual(first.exitCode, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("→ POST /auth"), "debug logging was on: \(first.stderr.prefix(500))")

        // 2. The cookie: obtained once (printed by --authenticate, where it belongs), then used at debug level.
        let auth = try lab.swiftgate(["connect", lab["URL"], "--cafile", lab["CA_FILE"], "--user", "alice",
                                      "--passwd-on-stdin", "--authenticate", "--verbose"], stdin: password + "\n")
        let cookie = try XCTUnwrap(auth.authValue("COOKIE"))
        XCTAssertEqual(auth.stdout.components(separatedBy: cookie).count - 1, 1, "only on the COOKIE= line")
        XCTAssertFalse(auth.stderr.contains(cookie))
        let withCookie = try launch(["ip", "netns", "exec", lab["CLIENT_NS"], LabGateway.binary, "connect",
                                                  lab["URL"], "--cafile", lab["CA_FILE"], "--cookie-on-stdin", "--verbose",
                                                  "--events", "json"], stdin: cookie + "\n")
        try withCookie.waitForOutput(#""event":"connected""#, timeout: 30)
        withCookie.signal(SIGTERM)
        let second = try withCookie.wait(timeout: 20)
        XCTAssertEqual(second.exitCode, 0, second.stderr)
        XCTAssertTrue(second.stderr.contains("→ CONNECT /CSCOSSLC/tunnel"), "debug logging was on")

        for (name, output) in [("first run", first.allOutput), ("second run", second.allOutput), ("auth stderr", auth.stderr)] {
            XCTAssertFalse(output.contains(password), "password in the \(name)")
            XCTAssertFalse(output.contains(cookie), "cookie in the \(name)")
        }
        let files = writtenFiles(lab)
        XCTAssertTrue(files.keys.contains { $0.hasSuffix("swiftgate.log") }, "a log file was written: \(files.keys)")
        XCTAssertTrue(files.keys.contains { $0.hasSuffix("swiftgate.sqlite") }, "a database was written")
        for (path, data) in files {
            XCTAssertNil(data.range(of: Data(password.utf8)), "password in \(path)")
            XCTAssertNil(data.range(of: Data(cookie.utf8)), "cookie in \(path)")
        }
    }
}
