@testable import Engine
import Foundation
import Glibc
import XCTest

/// BrowserLauncher with a fake browser that reports how it was started: its argv (the URL must arrive as one
/// untouched argument: no shell), its process group and its stdout.
final class BrowserLauncherTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "browser-launcher-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A script that writes its report into a FIFO the test reads with a deadline.
    private func fakeBrowser(named name: String = "fake-browser") throws -> (path: String, fifo: String) {
        let fifo = directory + "/report"
        if access(fifo, F_OK) != 0 { XCTAssertEqual(mkfifo(fifo, 0o600), 0) }
        let path = directory + "/" + name
        let script = """
            #!/bin/sh
            out=$(readlink /proc/$$/fd/1)
            set -- "$@"
            {
              for a in "$@"; do printf 'arg=%s\\n' "$a"; done
              printf 'pid=%s\\n' "$$"
              printf 'pgid=%s\\n' "$(cut -d' ' -f5 /proc/$$/stat)"
              printf 'stdout=%s\\n' "$out"
              for f in /proc/$$/fd/*; do printf 'fd=%s\\n' "$(readlink "$f")"; done
              printf 'END\\n'
            } > '\(fifo)'
            """
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(path, 0o755), 0)
        return (path, fifo)
    }

    /// Reads the fake browser's report, waiting at most `seconds` (poll on the FIFO, opened read-write so it never
    /// reports end-of-file before the writer comes).
    private func report(from fifo: String, within seconds: Int32 = 10) throws -> [String] {
        let fd = open(fifo, O_RDWR | O_NONBLOCK)
        guard fd >= 0 else { throw LabFailure("cannot open the FIFO") }
        defer { close(fd) }
        var text = ""
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + .seconds(Int(seconds))
        while !text.contains("END\n") {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw LabFailure("the fake browser reported nothing within \(seconds) s: \(text)") }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, Int32(remaining.components.seconds * 1000) + 100) > 0 else { continue }
            let count = read(fd, &buffer, buffer.count)
            if count > 0 { text += String(decoding: buffer.prefix(count), as: UTF8.self) }
        }
        return text.split(separator: "\n").map(String.init)
    }

    func testTheCommandGetsTheURLAsItsOnlyArgumentWithoutAShell() throws {
        let browser = try fakeBrowser()
        let marker = directory + "/pwned"
        // Everything a shell would act on: command separators, substitutions, quotes, globs.
        let url = "https://idp.example/saml?a=1;touch%20\(marker)&b=$(touch${IFS}\(marker))&c=`touch${IFS}\(marker)`&d='\"*"
        // A descriptor of ours without close-on-exec, as a tun device or socket might be: it must not reach the browser.
        let leak = open(directory + "/leak-marker", O_CREAT | O_WRONLY, 0o600)
        XCTAssertGreaterThan(leak, 2)
        defer { close(leak) }
        try BrowserLauncher.open(url, command: browser.path, environment: ["PATH": "/usr/bin:/bin"])
        let lines = try report(from: browser.fifo)
        XCTAssertEqual(lines.filter { $0.hasPrefix("arg=") }, ["arg=\(url)"])
        XCTAssertEqual(access(marker, F_OK), -1, "nothing in the URL was run")
        let pid = lines.first { $0.hasPrefix("pid=") }?.dropFirst(4)
        let pgid = lines.first { $0.hasPrefix("pgid=") }?.dropFirst(5)
        XCTAssertNotNil(pid)
        XCTAssertEqual(pid, pgid, "the browser leads its own process group")
        XCTAssertNotEqual(pgid.flatMap { Int32($0) }, getpgrp())
        XCTAssertTrue(lines.contains("stdout=/dev/null"), "\(lines)")
        XCTAssertFalse(lines.contains { $0.hasPrefix("fd=") && $0.hasSuffix("leak-marker") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("fd=") }, "the report lists descriptors: \(lines)")
    }

    func testTheCommandIsFoundOnPath() throws {
        let browser = try fakeBrowser(named: "my-browser")
        XCTAssertEqual(try BrowserLauncher.argv(url: "https://h/", command: "my-browser", environment: ["PATH": directory]),
                       [browser.path, "https://h/"])
    }

    func testBROWSERIsUsedWithoutACommandAndXdgOpenLast() throws {
        let browser = try fakeBrowser()
        let environment = ["PATH": directory + ":/usr/bin:/bin", "BROWSER": "fake-browser --new-window:firefox"]
        XCTAssertEqual(try BrowserLauncher.argv(url: "https://h/x", command: nil, environment: environment),
                       [browser.path, "--new-window", "https://h/x"])
        XCTAssertEqual(try BrowserLauncher.argv(url: "https://h/x", command: nil,
                                                environment: ["PATH": directory, "BROWSER": "fake-browser --url=%s"]),
                       [browser.path, "--url=https://h/x"])
        // --external-browser wins over $BROWSER.
        XCTAssertEqual(try BrowserLauncher.argv(url: "https://h/x", command: "/bin/echo", environment: environment),
                       ["/bin/echo", "https://h/x"])
        // Spawned through $BROWSER for real.
        try BrowserLauncher.open("https://h/y", command: nil, environment: environment)
        XCTAssertEqual(try report(from: browser.fifo).filter { $0.hasPrefix("arg=") }, ["arg=--new-window", "arg=https://h/y"])

        let xdg = try fakeBrowser(named: "xdg-open")
        XCTAssertEqual(try BrowserLauncher.argv(url: "https://h/x", command: nil, environment: ["PATH": directory]),
                       [xdg.path, "https://h/x"])
    }

    func testUnderSudoTheBrowserRunsAsTheInvokingUserNeverAsRoot() throws {
        let words = ["/usr/bin/firefox", "https://h/"]
        let asUser = BrowserLauncher.asInvokingUser(words, environment: ["SUDO_USER": "nobody"], effectiveUser: 0)
        XCTAssertEqual(Array(asUser.dropFirst()), ["-u", "nobody", "--"] + words)
        XCTAssertTrue(asUser.first?.hasSuffix("/runuser") ?? false, "\(asUser)")
        XCTAssertEqual(BrowserLauncher.asInvokingUser(words, environment: ["SUDO_USER": "nobody"], effectiveUser: 1000), words,
                       "not root: nothing to drop")
        XCTAssertEqual(BrowserLauncher.asInvokingUser(words, environment: [:], effectiveUser: 0), words, "root itself")
        XCTAssertEqual(BrowserLauncher.asInvokingUser(words, environment: ["SUDO_USER": "-x"], effectiveUser: 0), words)
        XCTAssertEqual(BrowserLauncher.asInvokingUser(words, environment: ["SUDO_USER": "no-such-user-here"], effectiveUser: 0),
                       words, "an unknown user is not run as")
    }

    func testAMissingProgramIsAClearError() {
        let empty = ["PATH": directory]
        XCTAssertThrowsError(try BrowserLauncher.argv(url: "https://h/", command: nil, environment: empty)) { error in
            guard case .usage(let text)? = error as? EngineError else { return XCTFail("\(error)") }
            XCTAssertTrue(text.contains("xdg-open"), text)
            XCTAssertTrue(text.contains("--external-browser"), text)
        }
        XCTAssertThrowsError(try BrowserLauncher.open("https://h/", command: directory + "/nope", environment: empty)) { error in
            guard case .usage(let text)? = error as? EngineError else { return XCTFail("\(error)") }
            XCTAssertTrue(text.contains("--external-browser \(directory)/nope"), text)
        }
        XCTAssertThrowsError(try BrowserLauncher.argv(url: "https://h/", command: nil, environment: ["PATH": directory, "BROWSER": "nonesuch"])) {
            guard case .usage(let text)? = $0 as? EngineError else { return XCTFail("\($0)") }
            XCTAssertTrue(text.contains("$BROWSER"), text)
        }
    }

    func testOnlyAPlainHTTPURLFromTheGatewayIsOpened() {
        for url in ["--renderer-cmd-prefix=/bin/sh", "-h", "javascript:alert(1)", "file:///etc/passwd", "https://h/a b",
                    "https://h/\n--x", "", "ftp://h/"] {
            XCTAssertThrowsError(try BrowserLauncher.argv(url: url, command: "/bin/echo", environment: [:]), url) { error in
                guard case .protocolError(.userAuth, _)? = error as? EngineError else { return XCTFail("\(url): \(error)") }
            }
        }
        XCTAssertNoThrow(try BrowserLauncher.argv(url: "HTTPS://h/ok", command: "/bin/echo", environment: [:]))
    }
}
