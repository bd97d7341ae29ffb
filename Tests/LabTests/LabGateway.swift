import Foundation
import XCTest

/// One real ocserv in its own network namespace, started by scripts/lab/lab.sh for one test and removed after
/// it, whatever happens (tearDown calls `stop`; `make test` sweeps leftovers of crashed runs).
final class LabGateway {
    let stateDirectory: String
    let env: [String: String]

    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static var script: String { repositoryRoot + "/scripts/lab/lab.sh" }

    /// The swiftgate binary under test: `SWIFTGATE_BIN`, or the debug build next to the tests.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["SWIFTGATE_BIN"], !path.isEmpty { return path }
        return repositoryRoot + "/.build/debug/swiftgate"
    }

    /// Starts a gateway; `options` are lab.sh `up` flags (`--otp`, `--server-cert self-signed`, `--extra …`).
    init(options: [String] = []) throws {
        let base = ProcessInfo.processInfo.environment["SWIFTGATE_LAB_DIR"] ?? NSTemporaryDirectory()
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        stateDirectory = base + "/lab-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let result = try CommandRunner.run(["/bin/bash", Self.script, "up", stateDirectory] + options, timeout: 60)
        guard result.exitCode == 0 else {
            _ = try? CommandRunner.run(["/bin/bash", Self.script, "down", stateDirectory], timeout: 30)
            throw LabError("lab.sh up failed (exit \(result.exitCode)):\n\(result.stderr)")
        }
        env = try Self.readEnv(stateDirectory + "/lab.env")
        // Each lab gets its own Swiftgate database (trust, gateways, history), so no test sees another's pins.
        setenv("XDG_DATA_HOME", stateDirectory + "/xdg-data", 1)
        // And its own session files and locks (swiftgate cleanup reads them), not the machine's /run/swiftgate.
        setenv("SWIFTGATE_RUNTIME_DIR", stateDirectory + "/run", 1)
    }

    /// Where swiftgate keeps session files and locks in this lab (see `init`).
    var runtimeDirectory: String { stateDirectory + "/run" }

    /// The database swiftgate uses in this lab (see `init`).
    var databasePath: String { stateDirectory + "/xdg-data/swiftgate/swiftgate.sqlite" }

    func stop() {
        _ = try? CommandRunner.run(["/bin/bash", Self.script, "down", stateDirectory], timeout: 30)
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }

    subscript(key: String) -> String {
        guard let value = env[key] else { fatalError("lab.env has no \(key)") }
        return value
    }

    /// Runs swiftgate in the client namespace.
    func swiftgate(_ arguments: [String], stdin: String? = nil, timeout: TimeInterval = 60) throws -> CommandResult {
        try CommandRunner.run(["ip", "netns", "exec", self["CLIENT_NS"], Self.binary] + arguments, stdin: stdin,
                              timeout: timeout)
    }

    /// Runs a command in the client namespace.
    func client(_ arguments: [String], stdin: String? = nil, timeout: TimeInterval = 60) throws -> CommandResult {
        try CommandRunner.run(["ip", "netns", "exec", self["CLIENT_NS"]] + arguments, stdin: stdin, timeout: timeout)
    }

    /// An OTP code valid now for `user` (lab started with `--otp`).
    func otp(for user: String) throws -> String {
        let result = try CommandRunner.run(["/bin/bash", Self.script, "otp", stateDirectory, user], timeout: 30)
        guard result.exitCode == 0 else { throw LabError("lab.sh otp failed: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// lab.env: one `KEY=value` per line; a value may be single-quoted in shell style ('\'' inside).
    static func readEnv(_ path: String) throws -> [String: String] {
        var env: [String: String] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            guard let eq = line.firstIndex(of: "="), !line.hasPrefix("#") else { continue }
            var value = String(line[line.index(after: eq)...])
            if value.hasPrefix("'") && value.hasSuffix("'") && value.count >= 2 {
                value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "'\\''", with: "'")
            }
            env[String(line[..<eq])] = value
        }
        return env
    }
}

struct LabError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
