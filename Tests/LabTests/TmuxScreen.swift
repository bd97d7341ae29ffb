import Foundation
import XCTest

/// The real interface in a tmux session in a lab's client namespace: keys in, the screen read back, waited on
/// with deadlines. The session is killed when this goes away.
final class TmuxScreen {
    let name: String

    /// Starts `swiftgate --db DATABASE ARGUMENTS` (with `environment` prepended) in a 120x40 tmux session.
    init(_ lab: LabGateway, database: String, arguments: String = "", environment: String = "") throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            throw LabError("tmux is missing: run `sudo scripts/lab/lab.sh install` (make test does)")
        }
        name = "sg-tmux-\(lab["LAB_ID"])-\(UUID().uuidString.prefix(4))"
        let command = "\(environment) ip netns exec \(lab["CLIENT_NS"]) \(LabGateway.binary) --db \(database) \(arguments); "
            + "echo swiftgate exited with $?; sleep 600"
        let started = try Self.tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", command)
        guard started.exitCode == 0 else { throw LabError("tmux new-session failed: \(started.allOutput)") }
    }

    /// Runs `command` (a shell command line) in a 120x40 tmux session; `label` goes into the session's name.
    init(command: String, label: String) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            throw LabError("tmux is missing: run `sudo scripts/lab/lab.sh install` (make test does)")
        }
        name = "sg-tmux-\(label)-\(UUID().uuidString.prefix(4))"
        let started = try Self.tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40",
                                    command + "; echo swiftgate exited with $?; sleep 600")
        guard started.exitCode == 0 else { throw LabError("tmux new-session failed: \(started.allOutput)") }
    }

    deinit { _ = try? Self.tmux("kill-session", "-t", name) }

    @discardableResult
    private static func tmux(_ arguments: String...) throws -> CommandResult {
        try CommandRunner.run(["tmux"] + arguments, timeout: 10)
    }

    var text: String { (try? Self.tmux("capture-pane", "-p", "-t", name).stdout) ?? "" }

    /// Polls the screen until it shows `expected`, within a deadline.
    @discardableResult
    func waitFor(_ expected: String, timeout: TimeInterval = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = text
            if last.contains(expected) { return last }
            usleep(100_000)
        }
        throw LabError("the screen never showed '\(expected)' within \(Int(timeout)) s; last screen:\n\(last)")
    }

    func keys(_ keys: String...) throws {
        let sent = try CommandRunner.run(["tmux", "send-keys", "-t", name] + keys, timeout: 10)
        guard sent.exitCode == 0 else { throw LabError("tmux send-keys failed: \(sent.allOutput)") }
    }

    /// Text typed as it is (no key names).
    func type(_ text: String) throws { try keys("-l", text) }

    /// Ctrl-C: the interface disconnects if needed and exits; returns its exit status line.
    func quit() throws -> String {
        try keys("C-c")
        return try waitFor("swiftgate exited with")
    }
}
