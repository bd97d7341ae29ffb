@testable import Engine
import Foundation
import Glibc
import XCTest

/// The vpnc-script runs with a timeout, a minimal environment and a private output file (issue 13, items 13, 14).
final class ScriptRunnerTests: XCTestCase {
    private func directory() throws -> String {
        let path = NSTemporaryDirectory() + "swiftgate-script-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testAHangingScriptIsKilledWithItsProcessGroup() throws {
        let dir = try directory()
        // The script leaves a child behind in its group, then hangs.
        let script = "sleep 300 & echo $! > \(dir)/child; sleep 300"
        let started = Date()
        let outcome = try ScriptRunner(path: script, timeoutSeconds: 1).run(["reason": "connect"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "the timeout ended it")
        XCTAssertTrue(outcome.timedOut)
        XCTAssertNotEqual(outcome.exitCode, 0)
        let child = try XCTUnwrap(Int32(try String(contentsOfFile: dir + "/child", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        // Reaped by no one here, a killed child may linger as a zombie: it must not be running.
        var state = ""
        for _ in 0..<100 {
            state = (try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8)) ?? ""
            if state.isEmpty || state.contains(") Z ") { break }
            usleep(20_000)
        }
        XCTAssertTrue(state.isEmpty || state.contains(") Z "), "the script's child still runs: \(state)")
    }

    func testTheScriptSeesOnlyAFixedPATHAndItsVariables() throws {
        setenv("SWIFTGATE_TEST_SECRET", "caller-secret", 1)
        setenv("PATH", "/tmp/evil:" + (ProcessInfo.processInfo.environment["PATH"] ?? ""), 1)
        defer { unsetenv("SWIFTGATE_TEST_SECRET") }
        let outcome = try ScriptRunner(path: "env").run(["reason": "connect", "TUNDEV": "tun9"])
        let lines = Set(outcome.output.split(separator: "\n").map(String.init))
        XCTAssertTrue(lines.contains("reason=connect"), outcome.output)
        XCTAssertTrue(lines.contains("TUNDEV=tun9"))
        XCTAssertTrue(lines.contains("PATH=" + ScriptRunner.path), outcome.output)
        XCTAssertFalse(outcome.output.contains("caller-secret"), outcome.output)
        XCTAssertFalse(outcome.output.contains("/tmp/evil"), outcome.output)
    }

    func testTheOutputFileIsNotAPredictableNameInTmp() throws {
        // A planted symlink at the old predictable name must not be followed: the output lands in a fresh file.
        let outcome = try ScriptRunner(path: "echo hello; ls -l /proc/self/fd/1").run(["reason": "connect"])
        XCTAssertTrue(outcome.output.hasPrefix("hello"), outcome.output)
        XCTAssertTrue(outcome.output.contains("swiftgate-script-"), outcome.output)
        XCTAssertFalse(outcome.output.contains("swiftgate-script-\(getpid())-"), "mkstemp's name, not pid-random")
    }
}
