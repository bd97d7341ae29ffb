import CLinux
import Foundation
import Glibc
import SecureChannel

/// Runs the vpnc-script (protocol.md §7): `/bin/sh -c SCRIPT` in its own process group, output captured for the
/// report. Hardened (issue 13, items 13 and 14): the script gets a minimal environment (a fixed PATH, `reason` and
/// the §7 variables; never the caller's environment), its output goes to a file created with O_EXCL (mkstemp),
/// and a script that does not finish within `timeoutSeconds` has its whole process group terminated, then killed.
struct ScriptRunner: Sendable {
    static let debianDefault = "/usr/share/vpnc-scripts/vpnc-script"
    /// The PATH the script sees: the system directories only, sbin first (ip, resolvconf).
    static let path = "/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin"

    let path: String
    var timeoutSeconds: Double = 30

    struct Outcome: Sendable {
        var exitCode: Int32
        var output: String
        var timedOut = false
    }

    /// The script's whole environment: PATH and the variables given, nothing inherited.
    static func environment(_ variables: [String: String]) -> [String: String] {
        var environment = variables
        environment["PATH"] = Self.path
        return environment
    }

    func run(_ variables: [String: String]) throws(EngineError) -> Outcome {
        let environment = Self.environment(variables)
        // mkstemp: a fresh file, O_EXCL and mode 0600, so no one can plant a symlink or read the output.
        var template = Array((NSTemporaryDirectory() + "swiftgate-script-XXXXXX").utf8CString)
        let outputFD = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard outputFD >= 0 else {
            throw .failed(.cstp, "cannot create a file for the script's output: \(SystemErrno.describe(errno))")
        }
        let outputPath = String(cString: template)
        defer {
            close(outputFD)
            unlink(outputPath)
        }

        // Its own group (so a timeout can end everything it started), and default signal handling: it must not
        // inherit the SIGPIPE we ignore, nor the stop signals we take through dispatch sources (ignored here), or
        // the timeout's SIGTERM would not reach it (ChildProcess).
        let result = ChildProcess.spawn(path: "/bin/sh", arguments: ["/bin/sh", "-c", path], environment: environment) { actions in
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, outputFD, 1)
            posix_spawn_file_actions_adddup2(&actions, outputFD, 2)
        }
        let pid: pid_t
        switch result {
        case .success(let started): pid = started
        case .failure(let error): throw .failed(.cstp, "cannot run the script \(path): \(SystemErrno.describe(error.code))")
        }
        let (status, timedOut) = Self.wait(for: pid, timeoutSeconds: timeoutSeconds)
        var output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        if output.utf8.count > 64 * 1024 { output = String(output.utf8.suffix(64 * 1024)) ?? "" }
        if timedOut {
            output += (output.isEmpty ? "" : "\n") + "(stopped: no answer within \(Int(timeoutSeconds)) s)"
            return Outcome(exitCode: 124, output: output, timedOut: true)
        }
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Outcome(exitCode: code, output: output)
    }

    /// Waits for the script; past the deadline its process group gets SIGTERM, and SIGKILL two seconds later.
    /// The wait wakes when the script exits (a pidfd), not at the next of fixed naps: the connect runs the script
    /// twice before the tunnel is up, and 20 ms naps cost about 10 ms each time (issue 12, item 4). A kernel
    /// without pidfd_open keeps the naps.
    private static func wait(for pid: pid_t, timeoutSeconds: Double) -> (status: Int32, timedOut: Bool) {
        var status: Int32 = 0
        let deadline = monotonic() + timeoutSeconds
        var terminatedAt: Double?
        let exitWatch = CLinux_pidfd_open(pid)
        defer { if exitWatch >= 0 { close(exitWatch) } }
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid {
                if terminatedAt != nil { kill(-pid, SIGKILL) }  // anything it left behind in its group
                return (status, terminatedAt != nil)
            }
            if reaped < 0 && errno != EINTR { return (status, terminatedAt != nil) }
            let now = monotonic()
            if terminatedAt == nil, now >= deadline {
                kill(-pid, SIGTERM)
                terminatedAt = now
            } else if let terminatedAt, now >= terminatedAt + 2 {
                kill(-pid, SIGKILL)
            }
            if exitWatch >= 0 {
                let wakeAt = terminatedAt.map { $0 + 2 } ?? deadline
                var watch = pollfd(fd: exitWatch, events: Int16(POLLIN), revents: 0)
                _ = poll(&watch, 1, Int32(max(1, min(1000, (wakeAt - monotonic()) * 1000 + 1))))
            } else {
                usleep(20_000)
            }
        }
    }

    private static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
