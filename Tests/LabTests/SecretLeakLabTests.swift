import Foundation
import XCTest

/// No secret leaks (DESIGN.md §6): a full connection at the most verbose logging, then every output — stdout,
/// stderr, the log file, the database and its WAL, the events — searched for the password and the cookie.
final class SecretLeakLabTests: LabTestCase {



    /// Every file Swiftgate wrote for this lab (XDG data and state directories, the runtime directory's locks and
    /// session files).
    private func writtenFiles(_ lab: LabGateway) -> [String: Data] {
        var files: [String: Data] = [:]
        for root in [lab.stateDirectory + "/xdg-data", lab.stateDirectory + "/xdg-state", lab.runtimeDirectory] {
            guard let walker = FileManager.default.enumerator(atPath: root) else { continue }
            for case let relative as String in walker {
                let path = root + "/" + relative
                if let data = FileManager.default.contents(atPath: path) { files[path] = data }
            }
        }
        return files
    }

    /// Runs of 96 hex digits: a DTLS master secret (48 bytes) written as hex, as X-DTLS-Master-Secret carries it.
    private func masterSecretLike(_ text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: "[0-9A-Fa-f]{96}")
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range, in: text).map { String(text[$0]) }
        }
    }

    /// The password, the cookie (ocserv's session token: it sends no separate session-token element), the DTLS
    /// master secret (offered in every CONNECT with DTLS on) and the client key's passphrase (issue 13, "Done
    /// when"): searched in stdout, stderr, the log file, the database and its WAL, and the vpnc-script's
    /// environment and argv (a wrapper --script dumps them, then runs the real one). The lab has no SSO, so no SSO
    /// token can be checked here; the header and XML redaction of those is unit-tested (LogRedactionTests).
    func testPasswordAndCookieAppearNowhere() throws {
        let lab = try start()
        setenv("XDG_STATE_HOME", lab.stateDirectory + "/xdg-state", 1)
        defer { unsetenv("XDG_STATE_HOME") }
        let password = lab["ALICE_PASS"]
        let passphrase = lab["CLIENT_KEY_PASS"]
        let (script, dump) = try TeardownLabTests.wrapperScript(in: lab.stateDirectory)

        // 1. The password and the key passphrase (an encrypted key given, its passphrase the first line of stdin;
        //    this lab asks no certificate, so it is loaded and never sent), through a whole tunnel session with
        //    DTLS offered (the master secret goes out), at debug level.
        let connect = try launch(["ip", "netns", "exec", lab["CLIENT_NS"], LabGateway.binary, "connect", lab["URL"],
                                  "--cafile", lab["CA_FILE"], "--user", "alice", "--passwd-on-stdin", "--verbose",
                                  "--certificate", lab["CLIENT_CERT"], "--key", lab["CLIENT_KEY_ENC"],
                                  "--script", script, "--events", "json"], stdin: passphrase + "\n" + password + "\n")
        try connect.waitForOutput(#""event":"connected""#, timeout: 30)
        XCTAssertTrue(try pingEventually(lab))
        connect.signal(SIGTERM)
        let first = try connect.wait(timeout: 20)
        XCTAssertEqual(first.exitCode, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("→ POST /auth"), "debug logging was on: \(first.stderr.prefix(500))")
        XCTAssertTrue(first.stderr.contains("X-DTLS-Master-Secret: <redacted>"), "a master secret was offered")

        // 2. The cookie: obtained once (printed by --authenticate, where it belongs), then used at debug level.
        let auth = try lab.swiftgate(["connect", lab["URL"], "--cafile", lab["CA_FILE"], "--user", "alice",
                                      "--passwd-on-stdin", "--authenticate", "--verbose"],
                                     stdin: passphrase + "\n" + password + "\n")  // the saved gateway keeps the key
        let cookie = try XCTUnwrap(auth.authValue("COOKIE"), auth.allOutput)
        XCTAssertEqual(auth.stdout.components(separatedBy: cookie).count - 1, 1, "only on the COOKIE= line")
        XCTAssertFalse(auth.stderr.contains(cookie))
        let withCookie = try launch(["ip", "netns", "exec", lab["CLIENT_NS"], LabGateway.binary, "connect",
                                     lab["URL"], "--cafile", lab["CA_FILE"], "--cookie-on-stdin", "--verbose",
                                     "--script", script, "--events", "json"], stdin: cookie + "\n")
        try withCookie.waitForOutput(#""event":"connected""#, timeout: 30)
        withCookie.signal(SIGTERM)
        let second = try withCookie.wait(timeout: 20)
        XCTAssertEqual(second.exitCode, 0, second.stderr)
        XCTAssertTrue(second.stderr.contains("→ CONNECT /CSCOSSLC/tunnel"), "debug logging was on")

        let scriptRuns = try String(contentsOfFile: dump, encoding: .utf8)
        XCTAssertTrue(scriptRuns.contains("=== reason=connect"), "the wrapper saw the script's runs")
        var outputs = [("first run", first.allOutput), ("second run", second.allOutput), ("auth stderr", auth.stderr),
                       ("vpnc-script environment and argv", scriptRuns)]
        let files = writtenFiles(lab)
        XCTAssertTrue(files.keys.contains { $0.hasSuffix("swiftgate.log") }, "a log file was written: \(files.keys)")
        XCTAssertTrue(files.keys.contains { $0.hasSuffix("swiftgate.sqlite") }, "a database was written")
        for (path, data) in files { outputs.append((path, String(decoding: data, as: UTF8.self))) }
        for (name, output) in outputs {
            XCTAssertFalse(output.contains(password), "password in \(name)")
            XCTAssertFalse(output.contains(passphrase), "key passphrase in \(name)")
            XCTAssertFalse(output.contains(cookie), "cookie in \(name)")
            XCTAssertEqual(masterSecretLike(output), [], "a DTLS master secret in \(name)")
        }
        for (path, data) in files {
            XCTAssertNil(data.range(of: Data(password.utf8)), "password in \(path)")
            XCTAssertNil(data.range(of: Data(cookie.utf8)), "cookie in \(path)")
            XCTAssertNil(data.range(of: Data(passphrase.utf8)), "passphrase in \(path)")
        }
    }

    /// The SSO token (issue 11): a browser login at the ASA front's IdP (the curl browser, its cookie jar kept so
    /// the test knows the token), the token pasted into a session at debug level, then every output and file
    /// searched for it.
    func testTheSSOTokenAppearsNowhere() throws {
        let lab = try start(["--asa"])
        setenv("XDG_STATE_HOME", lab.stateDirectory + "/xdg-state", 1)
        defer { unsetenv("XDG_STATE_HOME") }
        let fifo = lab.stateDirectory + "/token.fifo"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let session = try launch(["ip", "netns", "exec", lab["CLIENT_NS"], "/bin/bash", "-c",
                                  "exec \"$0\" \"$@\" < \(fifo)", LabGateway.binary, "connect", lab["ASA_URL"] + "/sso",
                                  "--cafile", lab["CA_FILE"], "--sso-browser", "/nonexistent/chromium", "--passwd-on-stdin",
                                  "--verbose", "--events", "json"])
        let writer = try XCTUnwrap(FileHandle(forWritingAtPath: fifo), "the session opened its stdin")
        try session.waitForOutput(#""event":"sso""#, timeout: 30)
        let started = CommandResult(exitCode: 0, stdout: session.stdoutSoFar, stderr: "").events
            .first { $0["event"] as? String == "sso" }
        let url = try XCTUnwrap(started?["url"] as? String)
        let jar = lab.stateDirectory + "/browser.jar"
        let browser = try lab.client(["env", "CURL_BROWSER_CAFILE=\(lab["CA_FILE"])", "CURL_BROWSER_JAR=\(jar)",
                                      LabGateway.repositoryRoot + "/scripts/lab/curl-browser.sh", url])
        XCTAssertEqual(browser.exitCode, 0, browser.allOutput)
        let cookieLine = try String(contentsOfFile: jar, encoding: .utf8).split(separator: "\n")
            .first { $0.contains("\tacSamlv2Token\t") }
        let token = try XCTUnwrap(cookieLine?.split(separator: "\t").last.map(String.init), "the IdP set the token")
        XCTAssertGreaterThan(token.count, 8)
        writer.write(Data((token + "\n").utf8))
        try writer.close()
        try session.waitForOutput(#""event":"connected""#, timeout: 30)
        session.signal(SIGTERM)
        let result = try session.wait(timeout: 20)
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("→ POST"), "debug logging was on")
        var outputs = [("stdout", result.stdout), ("stderr", result.stderr)]
        for (path, data) in writtenFiles(lab) { outputs.append((path, String(decoding: data, as: UTF8.self))) }
        XCTAssertTrue(outputs.contains { $0.0.hasSuffix("swiftgate.log") }, "a log file was written")
        for (name, output) in outputs {
            XCTAssertFalse(output.contains(token), "the SSO token in \(name)")
        }
    }
}
