import SecureChannel
import Foundation
import Glibc

/// Runs the vpnc-script (protocol.md §7): `/bin/sh -c SCRIPT` with `reason` and the tunnel variables added to
/// Swiftgate's environment, in its own process group; output captured for the report.
struct ScriptRunner: Sendable {
    static let debianDefault = "/usr/share/vpnc-scripts/vpnc-script"

    let path: String

    struct Outcome: Sendable {
        var exitCode: Int32
        var output: String
    }

    func run(_ variables: [String: String]) throws(EngineError) -> Outcome {
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in variables { environment[key] = value }
        if environment["PATH"] == nil || !(environment["PATH"]!.contains("/sbin")) {
            environment["PATH"] = (environment["PATH"].map { $0 + ":" } ?? "") + "/usr/local/sbin:/usr/sbin:/sbin:/usr/bin:/bin"
        }
        let outputPath = NSTemporaryDirectory() + "swiftgate-script-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(outputPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let words: [String] = ["/bin/sh", "-c", path]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp)
        guard rc == 0 else { throw .failed(.cstp, "cannot run the script \(path): \(SystemErrno.describe(rc))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Outcome(exitCode: code, output: output)
    }
}
