import Foundation
import Glibc

/// One Chromium started for one SSO login: its own process group, a fresh directory (profile, config, cache,
/// its stderr) under the caller's base directory, and the two DevTools sockets on its fds 3 and 4.
/// `stop()` kills the whole group, reaps it, sweeps any helper that left the group (Chromium's crashpad
/// handler starts its own session) and removes the directory; it runs on every exit path of a login.
final class BrowserProcess {
    let pid: pid_t
    /// The fresh `swiftgate-sso-XXXXXX` directory; every process of this browser has it in its command line.
    let runDirectory: String
    private var exitStatus: Int32?
    private var stopped = false

    private init(pid: pid_t, runDirectory: String) {
        self.pid = pid
        self.runDirectory = runDirectory
    }

    deinit { stop() }

    static func launch(path: String, headless: Bool, baseDirectory: String, trustedKeyHashes: [String] = [])
        throws(EmbeddedBrowserError)
        -> (BrowserProcess, DevToolsPipe) {
        let runDirectory = try makeRunDirectory(in: baseDirectory)
        var cleanup = true
        defer { if cleanup { try? FileManager.default.removeItem(atPath: runDirectory) } }
        let profile = runDirectory + "/profile"
        for sub in ["profile", "config", "cache"] {
            guard mkdir(runDirectory + "/" + sub, 0o700) == 0 else {
                throw .launchFailed("cannot create \(runDirectory)/\(sub): \(String(cString: strerror(errno)))")
            }
        }

        // Two socket pairs rather than pipes: see DevToolsPipe. Ours stay close-on-exec; the browser's ends are
        // first moved above fd 10 so that putting them on 3 and 4 cannot overwrite one with the other.
        let commands = try socketPair()
        let replies = try socketPair()
        let browserCommand = fcntl(commands.1, F_DUPFD_CLOEXEC, 10)
        let browserReply = fcntl(replies.1, F_DUPFD_CLOEXEC, 10)
        Glibc.close(commands.1)
        Glibc.close(replies.1)
        defer {
            if browserCommand >= 0 { Glibc.close(browserCommand) }
            if browserReply >= 0 { Glibc.close(browserReply) }
        }
        let pipe = DevToolsPipe(commandFD: commands.0, replyFD: replies.0)
        guard browserCommand >= 0, browserReply >= 0 else {
            throw .launchFailed("cannot set up the DevTools pipe: \(String(cString: strerror(errno)))")
        }

        var arguments = [
            path,
            "--remote-debugging-pipe",
            "--user-data-dir=\(profile)",
            "--no-first-run",
            "--no-default-browser-check",
            // No calls home, no sync, no keyring prompt: this profile lives for one login.
            "--disable-background-networking",
            "--disable-sync",
            "--disable-component-update",
            "--disable-default-apps",
            "--password-store=basic",
            // Small /dev/shm in containers crashes Chromium; /tmp works everywhere.
            "--disable-dev-shm-usage",
        ]
        if headless { arguments.append("--headless=new") }
        // The gateway's certificate was judged by Swiftgate (CA, pin or the person's decision): the browser
        // accepts exactly those keys too (SHA-256 of the SPKI, base64: a pin-sha256 value), nothing wider.
        let hashes = trustedKeyHashes.filter { $0.allSatisfy { $0.isLetter || $0.isNumber || "+/=".contains($0) } }
        if !hashes.isEmpty { arguments.append("--ignore-certificate-errors-spki-list=" + hashes.joined(separator: ",")) }
        // Chromium refuses to start as root with its sandbox on ("Running as root without --no-sandbox is not
        // supported"), and Swiftgate runs as root to make the tunnel; only then is the sandbox switched off.
        if geteuid() == 0 { arguments.append("--no-sandbox") }
        arguments.append("about:blank")

        var environment = ProcessInfo.processInfo.environment
        // Chromium writes crash reports and caches under XDG directories (even with --user-data-dir); keep them
        // in the run directory so nothing of the login outlives it.
        environment["XDG_CONFIG_HOME"] = runDirectory + "/config"
        environment["XDG_CACHE_HOME"] = runDirectory + "/cache"

        let inheritable = inheritableDescriptors()
        let result = ChildProcess.spawn(path: path, arguments: arguments, environment: environment) { actions in
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, runDirectory + "/stderr.log", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_adddup2(&actions, browserCommand, 3)
            posix_spawn_file_actions_adddup2(&actions, browserReply, 4)
            // Nothing else of ours reaches the browser (a descriptor opened without close-on-exec elsewhere).
            for fd in inheritable where fd > 4 { posix_spawn_file_actions_addclose(&actions, fd) }
        }
        let pid: pid_t
        switch result {
        case .success(let started): pid = started
        case .failure(let error): throw .launchFailed("cannot run \(path): \(error.text)")
        }
        cleanup = false
        return (BrowserProcess(pid: pid, runDirectory: runDirectory), pipe)
    }

    /// The exit status once the browser's main process ended (reaped here), else nil.
    func exitedStatus() -> Int32? {
        if exitStatus == nil {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { exitStatus = status }
        }
        return exitStatus
    }

    /// Waits up to `seconds` for the main process to end on its own.
    func waitForExit(seconds: Double) {
        let deadline = Monotonic.after(seconds: seconds)
        while exitedStatus() == nil && Monotonic.now() < deadline { usleep(10_000) }
    }

    /// The last lines Chromium wrote to stderr, for a browser that died while starting (before any page was
    /// opened, so no URL of the login can be in them).
    func startupComplaint() -> String {
        guard let text = try? String(contentsOfFile: runDirectory + "/stderr.log", encoding: .utf8) else { return "" }
        let lines = text.split(separator: "\n").map(String.init).filter { !$0.contains("dbus") }
        return EmbeddedBrowserRules.printable(lines.suffix(2).joined(separator: " / "), limit: 300)
    }

    func stop() {
        guard !stopped else { return }
        stopped = true
        if exitedStatus() == nil {
            kill(-pid, SIGKILL)
            waitForExit(seconds: 5)
        }
        kill(-pid, SIGKILL)
        // Helpers outside the group (crashpad) and any the kernel had not yet delivered the kill to.
        let deadline = Monotonic.after(seconds: 3)
        while Monotonic.now() < deadline {
            let strays = Self.livingProcesses(group: pid, mentioning: runDirectory)
            if strays.isEmpty { break }
            strays.forEach { kill($0, SIGKILL) }
            usleep(20_000)
        }
        try? FileManager.default.removeItem(atPath: runDirectory)
    }

    /// Processes, not yet zombies, in process group `group` or whose command line mentions `directory`.
    static func livingProcesses(group: pid_t, mentioning directory: String) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        let needle = Array(directory.utf8)
        var found: [pid_t] = []
        for entry in entries {
            guard let number = pid_t(entry), number != getpid() else { continue }
            guard let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, fields[0] != "Z", fields[0] != "X" else { continue }
            if pid_t(fields[2]) == group {
                found.append(number)
                continue
            }
            if let cmdline = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
               cmdline.count >= needle.count, Array(cmdline).firstRange(of: needle) != nil {
                found.append(number)
            }
        }
        return found
    }

    /// Our open descriptors that lack close-on-exec, from /proc/self/fd.
    private static func inheritableDescriptors() -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.compactMap(Int32.init).filter { fd in
            let flags = fcntl(fd, F_GETFD)
            return flags >= 0 && (flags & FD_CLOEXEC) == 0
        }
    }

    private static func makeRunDirectory(in base: String) throws(EmbeddedBrowserError) -> String {
        do {
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw .launchFailed("cannot create the directory \(base) for the browser's profile")
        }
        var template = Array((base.hasSuffix("/") ? base : base + "/").utf8CString.dropLast()) + Array("swiftgate-sso-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else {
            throw .launchFailed("cannot create a profile directory in \(base): \(String(cString: strerror(errno)))")
        }
        return String(cString: template)
    }

    private static func socketPair() throws(EmbeddedBrowserError) -> (Int32, Int32) {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw .launchFailed("cannot create the DevTools sockets: \(String(cString: strerror(errno)))")
        }
        return (fds[0], fds[1])
    }
}
