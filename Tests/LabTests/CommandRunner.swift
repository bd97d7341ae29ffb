import Foundation

/// The outcome of a finished command.
struct CommandResult {
    var exitCode: Int32
    var stdout: String
    var stderr: String

    var allOutput: String { stdout + stderr }

    /// The `--events json` objects among stdout's lines.
    var events: [[String: Any]] {
        stdout.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("{") else { return nil }
            return (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }

    /// `phase` events for one phase, in order.
    func phaseEvents(_ phase: String) -> [[String: Any]] {
        events.filter { $0["event"] as? String == "phase" && $0["phase"] as? String == phase }
    }

    /// The `detail` of the phase's last done event.
    func doneDetail(_ phase: String) -> [String: Any]? {
        phaseEvents(phase).last { $0["state"] as? String == "done" }?["detail"] as? [String: Any]
    }

    /// `KEY='value'` lines of `--authenticate`.
    func authValue(_ key: String) -> String? {
        for line in stdout.split(separator: "\n") where line.hasPrefix(key + "=") {
            var value = String(line.dropFirst(key.count + 1))
            if value.hasPrefix("'") && value.hasSuffix("'") { value = String(value.dropFirst().dropLast()) }
            return value.replacingOccurrences(of: "'\\''", with: "'")
        }
        return nil
    }
}

/// Runs a command to completion with a deadline; output goes through files, so no pipe can fill and block.
/// posix_spawn and waitpid rather than Foundation's Process: its termination handler needs a run loop that a
/// blocked XCTest main thread never turns.
enum CommandRunner {
    static func run(_ arguments: [String], stdin: String? = nil, timeout: TimeInterval) throws -> CommandResult {
        let command = try start(arguments, stdin: stdin)
        return try command.wait(timeout: timeout)
    }

    /// Starts a command in the background (in its own process group).
    static func start(_ arguments: [String], stdin: String? = nil) throws -> RunningCommand {
        let directory = NSTemporaryDirectory() + "cmd-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let outPath = directory + "/out", errPath = directory + "/err", inPath = directory + "/in"
        FileManager.default.createFile(atPath: inPath, contents: Data((stdin ?? "").utf8))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, so a timeout can end the command and everything it started.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let argv = (["/usr/bin/env"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/usr/bin/env", &actions, &attributes, argv, environ)
        guard rc == 0 else { throw LabError("cannot start \(arguments.first ?? ""): \(String(cString: strerror(rc)))") }

        return RunningCommand(pid: pid, arguments: arguments, directory: directory)
    }
}

/// A command started by `CommandRunner.start`; its output is readable while it runs.
final class RunningCommand {
    let pid: pid_t
    let arguments: [String]
    private let directory: String
    private(set) var result: CommandResult?

    init(pid: pid_t, arguments: [String], directory: String) {
        self.pid = pid
        self.arguments = arguments
        self.directory = directory
    }

    deinit {
        if result == nil {
            kill(-pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    var stdoutSoFar: String { (try? String(contentsOfFile: directory + "/out", encoding: .utf8)) ?? "" }
    var stderrSoFar: String { (try? String(contentsOfFile: directory + "/err", encoding: .utf8)) ?? "" }

    func signal(_ number: Int32) { kill(pid, number) }

    /// Waits until a line of stdout contains `text`, or fails at the deadline (or if the command ends first).
    func waitForOutput(_ text: String, timeout: TimeInterval) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !stdoutSoFar.contains(text) {
            if let ended = try? wait(timeout: 0) {
                throw LabError("'\(arguments.joined(separator: " "))' ended (exit \(ended.exitCode)) before printing '\(text)':\n\(ended.stdout)\n\(ended.stderr)")
            }
            if Date() > deadline {
                throw LabError("no '\(text)' within \(Int(timeout)) s from '\(arguments.joined(separator: " "))':\n\(stdoutSoFar)\n\(stderrSoFar)")
            }
            usleep(20_000)
        }
    }

    /// Waits for the command to end; at the deadline it is killed (with its process group) and this throws.
    @discardableResult
    func wait(timeout: TimeInterval) throws -> CommandResult {
        if let result { return result }
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while true {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { break }
            if Date() >= deadline {
                if timeout == 0 { throw LabError("still running") }
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                result = CommandResult(exitCode: -1, stdout: stdoutSoFar, stderr: stderrSoFar)
                throw LabError("'\(arguments.joined(separator: " "))' did not finish within \(Int(timeout)) s; stderr:\n\(stderrSoFar)")
            }
            usleep(5_000)
        }
        let exitCode: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let finished = CommandResult(exitCode: exitCode, stdout: stdoutSoFar, stderr: stderrSoFar)
        result = finished
        return finished
    }
}
