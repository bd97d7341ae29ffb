@testable import Engine
import Foundation
import GatewayProtocol
import Glibc
import XCTest

/// The embedded-browser SSO login against a real headless Chromium and a tiny IdP (scripts/lab/sso_browser_idp.py)
/// on 127.0.0.1. Without Chromium these are skipped loudly, or fail with the fix where SWIFTGATE_LAB=required.
/// Every case also checks that no process of the browser is left and that its profile directory is gone.
final class EmbeddedBrowserLoginTests: XCTestCase {
    private var idp: TestIdP?
    private var base = ""

    override func setUpWithError() throws {
        base = NSTemporaryDirectory() + "swiftgate-sso-test-\(UUID().uuidString)"
    }

    override func tearDown() {
        idp?.stop()
        try? FileManager.default.removeItem(atPath: base)
    }

    private func requireChromium() throws {
        try require(EmbeddedBrowserLogin.findBrowser(nil) != nil,
                    "no Chromium on PATH (looked for \(EmbeddedBrowserLogin.candidates.joined(separator: ", ")))")
    }

    /// Skipped loudly when missing, or failed with the fix where SWIFTGATE_LAB=required (CI, `make test`).
    private func require(_ present: Bool, _ what: String) throws {
        guard !present else { return }
        let message = "\(what): run `sudo scripts/lab/lab.sh install` (or `apt-get install chromium xvfb`)"
        if ProcessInfo.processInfo.environment["SWIFTGATE_LAB"] == "required" {
            XCTFail("embedded-browser SSO test prerequisite missing: \(message)")
            throw XCTSkip("failed above")
        }
        print("SKIPPED EMBEDDED-BROWSER TEST: \(message)")
        throw XCTSkip("SKIPPED EMBEDDED-BROWSER TEST: \(message)")
    }

    private func startIdP() throws -> TestIdP {
        try requireChromium()
        let server = try TestIdP()
        idp = server
        return server
    }

    private func login(_ server: TestIdP, _ page: String, timeout: Int = 60, browser: String? = nil,
                       cancelled: @escaping @Sendable () -> Bool = { false }) -> Result<EmbeddedBrowserOutcome, EmbeddedBrowserError> {
        let login = EmbeddedBrowserLogin(browserPath: browser, headless: true, userDataDirectory: base)
        return Result { () throws(EmbeddedBrowserError) in
            try login.run(loginURL: server.url(page), finalURL: server.url("/final"), tokenCookie: "acSamlv2Token",
                          errorCookie: "acSamlv2Error", timeoutSeconds: timeout, cancelled: cancelled)
        }
    }

    /// No process mentions the test's base directory (each browser process carries its profile path or, for
    /// crashpad, the XDG directory inside it) and the base holds nothing.
    private func assertBrowserGone(file: StaticString = #filePath, line: UInt = #line) {
        let living = Self.processesMentioning(base)
        XCTAssertEqual(living, [], "browser processes left behind: \(living)", file: file, line: line)
        let left = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
        XCTAssertEqual(left, [], "the browser's profile directory was not removed", file: file, line: line)
    }

    func testScriptedLoginFormSetsTheTokenAndReachesTheFinalPage() throws {
        let server = try startIdP()
        let token = "tok-" + UUID().uuidString
        XCTAssertEqual(try login(server, "/login/form?value=\(token)").get(), .token(Secret(token)))
        assertBrowserGone()
    }

    func testRedirectThatSetsTheTokenCookie() throws {
        let server = try startIdP()
        XCTAssertEqual(try login(server, "/login/redirect?value=ABC123").get(), .token(Secret("ABC123")))
        assertBrowserGone()
    }

    func testTokenSetByTheFinalPagesScriptAMomentLaterIsSeen() throws {
        let server = try startIdP()
        XCTAssertEqual(try login(server, "/login/late?value=LATE42").get(), .token(Secret("LATE42")))
        assertBrowserGone()
    }

    /// A shown browser (not headless), on an X server of the test's own (Xvfb, when installed).
    func testShownBrowserLogsInOnAnXServer() throws {
        let server = try startIdP()
        try require(FileManager.default.isExecutableFile(atPath: "/usr/bin/Xvfb"), "no /usr/bin/Xvfb for the shown-browser test")
        let display = Int.random(in: 150...250)
        let xvfb = Process()
        xvfb.executableURL = URL(fileURLWithPath: "/usr/bin/Xvfb")
        xvfb.arguments = [":\(display)", "-nolisten", "tcp", "-screen", "0", "1024x768x24"]
        xvfb.standardError = FileHandle.nullDevice
        xvfb.standardOutput = FileHandle.nullDevice
        try xvfb.run()
        defer {
            xvfb.terminate()
            xvfb.waitUntilExit()
            unsetenv("DISPLAY")
        }
        let socket = "/tmp/.X11-unix/X\(display)"
        let ready = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: socket) && Date() < ready && xvfb.isRunning { usleep(50_000) }
        guard FileManager.default.fileExists(atPath: socket) else { throw XCTSkip("Xvfb :\(display) did not start") }
        setenv("DISPLAY", ":\(display)", 1)
        XCTAssertTrue(EmbeddedBrowserLogin.canShowWindow(environment: ProcessInfo.processInfo.environment))
        let login = EmbeddedBrowserLogin(browserPath: nil, headless: false, userDataDirectory: base)
        let outcome = try login.run(loginURL: server.url("/login/form?value=SHOWN"), finalURL: server.url("/final"),
                                    tokenCookie: "acSamlv2Token", errorCookie: "acSamlv2Error", timeoutSeconds: 60,
                                    cancelled: { false })
        XCTAssertEqual(outcome, .token(Secret("SHOWN")))
        assertBrowserGone()
    }

    func testErrorCookieEndsTheLoginWithItsTextWithoutControlCharacters() throws {
        let server = try startIdP()
        let text = "Access denied:\u{07} user\u{1b}[31m not in group\u{202e}x"
        let encoded = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let outcome = try login(server, "/login/error?text=\(encoded)").get()
        XCTAssertEqual(outcome, .gatewayError("Access denied: user[31m not in groupx"))
        assertBrowserGone()
    }

    func testNeverReachingTheFinalPageTimesOutWithinTheDeadline() throws {
        let server = try startIdP()
        let start = Date()
        let result = login(server, "/login/never", timeout: 4)
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(result.failure, .timedOut(seconds: 4, reachedFinalPage: false))
        XCTAssertLessThan(elapsed, 4 + 5, "the timeout plus the browser's teardown")
        XCTAssertGreaterThanOrEqual(elapsed, 3.9)
        assertBrowserGone()
    }

    func testFinalPageWithoutTheTokenCookieTimesOutSayingSo() throws {
        let server = try startIdP()
        // Long enough for a loaded machine to start Chromium and reach the page.
        XCTAssertEqual(login(server, "/login/notoken", timeout: 10).failure, .timedOut(seconds: 10, reachedFinalPage: true))
        assertBrowserGone()
    }

    func testCancellingEndsTheLoginPromptly() throws {
        let server = try startIdP()
        let cancelAt = Date().addingTimeInterval(2)
        let start = Date()
        let result = login(server, "/login/never", timeout: 60, cancelled: { Date() >= cancelAt })
        XCTAssertEqual(result.failure, .cancelled)
        XCTAssertLessThan(Date().timeIntervalSince(start), 2 + 5)
        assertBrowserGone()
    }

    /// The person quitting the browser, or a crash: its main process killed while the login page is open.
    func testBrowserKilledDuringTheLoginEndsItAtOnce() throws {
        let server = try startIdP()
        let directory = base
        let killer = Thread {
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                if let main = Self.processesMentioning(directory).first(where: { Self.commandLine(of: $0).contains("--remote-debugging-pipe") }),
                   let pid = Int32(main) {
                    usleep(1_500_000)  // the login page is open by then
                    kill(pid, SIGKILL)
                    return
                }
                usleep(50_000)
            }
        }
        killer.start()
        let start = Date()
        let result = login(server, "/login/never", timeout: 60)
        guard case .browserExited(let why)? = result.failure else { return XCTFail("got \(result)") }
        XCTAssertTrue(why.hasPrefix("it exited") && why.contains("signal 9"), why)
        XCTAssertLessThan(Date().timeIntervalSince(start), 30, "not the 60 s deadline")
        assertBrowserGone()
    }

    private static func commandLine(of pid: String) -> String {
        let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
        return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
    }

    func testUnreachableLoginPageIsReportedWithChromiumsReason() throws {
        let server = try startIdP()
        let closedPort = try TestIdP.unusedPort()
        let login = EmbeddedBrowserLogin(browserPath: nil, headless: true, userDataDirectory: base)
        let result = Result { () throws(EmbeddedBrowserError) in
            try login.run(loginURL: "http://127.0.0.1:\(closedPort)/sso", finalURL: server.url("/final"),
                          tokenCookie: "acSamlv2Token", errorCookie: nil, timeoutSeconds: 30, cancelled: { false })
        }
        guard case .loginPageFailed(let why)? = result.failure else { return XCTFail("got \(result)") }
        XCTAssertTrue(why.contains("ERR_CONNECTION_REFUSED"), why)
        assertBrowserGone()
    }

    func testBrowserThatExitsAtOnceIsReportedAsExited() throws {
        let server = try startIdP()
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        let fake = NSTemporaryDirectory() + "swiftgate-fake-browser-\(UUID().uuidString)"
        try "#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n".write(toFile: fake, atomically: true, encoding: .utf8)
        chmod(fake, 0o755)
        defer { unlink(fake) }
        let result = login(server, "/login/never", timeout: 20, browser: fake)
        guard case .browserExited(let why)? = result.failure else { return XCTFail("got \(result)") }
        XCTAssertTrue(why.contains("status 3") && why.contains("cannot open display"), why)
        assertBrowserGone()
    }

    func testOnlyWebLoginAddressesAreOpened() {
        let login = EmbeddedBrowserLogin(browserPath: "/bin/true", headless: true, userDataDirectory: base)
        for address in ["file:///etc/passwd", "javascript:alert(1)", "chrome://settings", "data:text/html,x", "http:///x"] {
            XCTAssertThrowsError(try login.run(loginURL: address, finalURL: "http://127.0.0.1:1/f", tokenCookie: "t",
                                               errorCookie: nil, timeoutSeconds: 5, cancelled: { false })) { error in
                guard case .loginPageFailed? = error as? EmbeddedBrowserError else { return XCTFail("\(address): \(error)") }
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: base), "nothing was started")
    }

    func testMissingBrowserIsNamedWithTheFix() {
        let login = EmbeddedBrowserLogin(browserPath: "/nonexistent/chromium", headless: true, userDataDirectory: base)
        XCTAssertThrowsError(try login.run(loginURL: "http://127.0.0.1:1/", finalURL: "http://127.0.0.1:1/f",
                                           tokenCookie: "t", errorCookie: nil, timeoutSeconds: 5, cancelled: { false })) { error in
            XCTAssertEqual(error as? EmbeddedBrowserError, .browserNotFound(searched: "/nonexistent/chromium"))
            XCTAssertTrue("\(error)".contains("--sso-browser"))
        }
    }

    func testFindBrowserAndDisplay() {
        XCTAssertEqual(EmbeddedBrowserLogin.findBrowser("/bin/sh"), "/bin/sh")
        XCTAssertEqual(EmbeddedBrowserLogin.findBrowser("sh").map { $0.hasSuffix("/sh") }, true)
        XCTAssertNil(EmbeddedBrowserLogin.findBrowser("/etc/passwd"), "not executable")
        XCTAssertNil(EmbeddedBrowserLogin.findBrowser("no-such-browser-\(UUID().uuidString)"))
        XCTAssertTrue(EmbeddedBrowserLogin.canShowWindow(environment: ["DISPLAY": ":0"]))
        XCTAssertTrue(EmbeddedBrowserLogin.canShowWindow(environment: ["WAYLAND_DISPLAY": "wayland-0"]))
        XCTAssertFalse(EmbeddedBrowserLogin.canShowWindow(environment: ["DISPLAY": "", "TERM": "xterm"]))
    }

    static func processesMentioning(_ text: String) -> [String] {
        let needle = Array(text.utf8)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { entry in
            guard Int32(entry) != nil, Int32(entry) != getpid(),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")"),
                  let state = stat[stat.index(after: close)...].split(separator: " ").first,
                  state != "Z" && state != "X",
                  let cmdline = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return false }
            return Array(cmdline).firstRange(of: needle) != nil
        }
    }
}

private extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

/// scripts/lab/sso_browser_idp.py as a child: its port read from its first line, stopped by closing its stdin.
final class TestIdP {
    let port: Int
    private let process: Process
    private let input: Pipe

    init() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/lab/sso_browser_idp.py").path
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script]
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let reader = output.fileHandleForReading.fileDescriptor
        var line: [UInt8] = []
        let deadline = Date().addingTimeInterval(15)
        while !line.contains(10) && Date() < deadline {
            var descriptor = pollfd(fd: reader, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 250) > 0 else { continue }
            var byte: UInt8 = 0
            guard read(reader, &byte, 1) == 1 else { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw XCTSkip("the test IdP did not start (python3 \(script)): got \(text.debugDescription)")
        }
        self.port = port
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// A loopback port nothing listens on: bound, then closed.
    static func unusedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw XCTSkip("cannot find a free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
