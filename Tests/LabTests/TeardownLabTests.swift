import Foundation
import XCTest

/// Death without teardown (issue 13, item 3): `swiftgate connect … --events json | head -2` closes stdout early;
/// Swiftgate must go on, and SIGTERM later still ends the session properly: the DISCONNECT reaches the gateway,
/// the vpnc-script runs `disconnect`, and no tun or route is left.
final class TeardownLabTests: LabTestCase {
    /// A --script that records each run's reason and environment, then runs the real vpnc-script.
    static func wrapperScript(in directory: String) throws -> (script: String, dump: String) {
        let script = directory + "/vpnc-wrapper.sh", dump = directory + "/vpnc-wrapper.dump"
        let text = """
            #!/bin/sh
            { echo "=== reason=$reason"; env; echo "--- argv: $0 $*"; } >> '\(dump)'
            exec /usr/share/vpnc-scripts/vpnc-script "$@"

            """
        try text.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        return (script, dump)
    }

    func testStdoutClosedEarlyThenSIGTERMStillTearsDown() throws {
        let lab = try start()
        setenv("XDG_STATE_HOME", lab.stateDirectory + "/xdg-state", 1)
        defer { unsetenv("XDG_STATE_HOME") }
        let logFile = lab.stateDirectory + "/xdg-state/swiftgate/swiftgate.log"
        let (script, dump) = try Self.wrapperScript(in: lab.stateDirectory)
        let output = lab.stateDirectory + "/head.out"
        let pipeline = "set -o pipefail; ip netns exec \(lab["CLIENT_NS"]) \(LabGateway.binary) connect \(lab["URL"]) "
            + "--cafile \(lab["CA_FILE"]) --user alice --passwd-on-stdin --no-dtls --events json --script \(script) "
            + "| head -2 > \(output)"
        let command = try launch(["/bin/bash", "-c", pipeline], stdin: "secret\n")

        // Connected: the wrapper saw `connect`; its environment names swiftgate's pid.
        let deadline = Date().addingTimeInterval(30)
        var pid: Int32?
        var device = ""
        while pid == nil, Date() < deadline {
            let text = (try? String(contentsOfFile: dump, encoding: .utf8)) ?? ""
            if let block = text.components(separatedBy: "=== ").first(where: { $0.hasPrefix("reason=connect\n") }),
               let line = block.split(separator: "\n").first(where: { $0.hasPrefix("VPNPID=") }) {
                pid = Int32(line.dropFirst("VPNPID=".count))
                device = block.split(separator: "\n").first { $0.hasPrefix("TUNDEV=") }.map { String($0.dropFirst(7)) } ?? ""
            }
            if (try? command.wait(timeout: 0)) != nil { break }
            usleep(50_000)
        }
        let swiftgate = try XCTUnwrap(pid, "no connect run of the script: \(command.stderrSoFar)")
        XCTAssertEqual(try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").count, 2, "head took two")
        // More events go to the closed pipe (stats every few seconds); the process must survive them.
        // (The wrapper logs before the real script configures the tun: wait for the route.)
        XCTAssertTrue(try pingEventually(lab), "the tunnel carries traffic")
        // A write to the closed pipe failed and was dropped (the log says so), and the process lives on.
        let logged = Date().addingTimeInterval(30)
        while !((try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "").contains("stdout failed"), Date() < logged {
            usleep(50_000)
        }
        XCTAssertTrue(((try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "").contains("stdout failed"),
                      "a write to the closed stdout was seen and dropped")
        XCTAssertEqual(kill(swiftgate, 0), 0, "swiftgate died after stdout closed")

        kill(swiftgate, SIGTERM)
        let result = try command.wait(timeout: 30)
        XCTAssertEqual(result.exitCode, 0, "swiftgate's own exit (pipefail), not 141: \(result.stderr)")
        let runs = try String(contentsOfFile: dump, encoding: .utf8)
        XCTAssertTrue(runs.contains("=== reason=disconnect\n"), "the vpnc-script's disconnect ran")
        let log = try String(contentsOfFile: lab["OCSERV_LOG"], encoding: .utf8)
        XCTAssertTrue(log.contains("invalidating session of user 'alice'"), "the gateway saw the DISCONNECT")
        XCTAssertFalse(device.isEmpty)
        let link = try lab.client(["ip", "-o", "link", "show", "dev", device], timeout: 30)
        XCTAssertNotEqual(link.exitCode, 0, "no tun left: \(link.stdout)")
        let routes = try lab.client(["ip", "route"], timeout: 30)
        XCTAssertFalse(routes.stdout.contains("198.19.0.0"), "no route left: \(routes.stdout)")
    }

    /// A session killed with SIGKILL leaves its state file; the next connect says so, and `swiftgate cleanup`
    /// runs the vpnc-script's `disconnect` with the saved environment, once (issue 13, item 13).
    func testCleanupAfterACrash() throws {
        let lab = try start()
        let (script, dump) = try Self.wrapperScript(in: lab.stateDirectory)
        let session = try launch(["ip", "netns", "exec", lab["CLIENT_NS"], LabGateway.binary, "connect", lab["URL"],
                                  "--cafile", lab["CA_FILE"], "--user", "alice", "--passwd-on-stdin", "--no-dtls",
                                  "--script", script, "--events", "json"], stdin: "secret\n")
        try session.waitForOutput(#""event":"connected""#, timeout: 30)
        XCTAssertTrue(try pingEventually(lab))
        let files = try FileManager.default.contentsOfDirectory(atPath: lab.runtimeDirectory).filter { $0.hasPrefix("session-") }
        XCTAssertEqual(files.count, 1, "a session file while connected")
        session.signal(SIGKILL)
        _ = try session.wait(timeout: 20)
        XCTAssertFalse(try String(contentsOfFile: dump, encoding: .utf8).contains("=== reason=disconnect"),
                       "no teardown ran")

        let next = try lab.swiftgate(["connect", lab["URL"], "--cafile", lab["CA_FILE"], "--user", "alice",
                                      "--passwd-on-stdin", "--no-dtls", "--script", "/bin/false"], stdin: "wrong\n")
        XCTAssertTrue(next.stderr.contains("ended without its teardown") && next.stderr.contains("swiftgate cleanup"),
                      next.stderr)

        let cleanup = try lab.swiftgate(["cleanup"])
        XCTAssertEqual(cleanup.exitCode, 0, cleanup.allOutput)
        XCTAssertTrue(cleanup.stdout.contains("disconnect"), cleanup.stdout)
        let runs = try String(contentsOfFile: dump, encoding: .utf8)
        XCTAssertTrue(runs.contains("=== reason=disconnect"), "the saved disconnect ran")
        let routes = try lab.client(["ip", "route"], timeout: 30)
        XCTAssertFalse(routes.stdout.contains("198.19.0.0"), "no route left: \(routes.stdout)")
        XCTAssertTrue(try lab.swiftgate(["cleanup"]).stdout.contains("Nothing to clean up"), "once only")
    }
}
