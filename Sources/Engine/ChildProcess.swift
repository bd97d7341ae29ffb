import Glibc

/// posix_spawn with an argv (never a shell of ours), in its own process group, with default handling for the
/// signals Swiftgate ignores or takes through dispatch sources (SIGPIPE, the stop signals) so that the child —
/// a browser, the vpnc-script — can be stopped, and an empty signal mask. The caller says where its descriptors
/// go. The one place that knows posix_spawn's attribute and file-action dance (BrowserLauncher, BrowserProcess,
/// ScriptRunner).
enum ChildProcess {
    /// Signals the child gets with their default action.
    static let defaultSignals: [Int32] = [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2]

    /// Starts `path` with `arguments` (argv[0] included) and `environment`; `files` adds the file actions.
    /// Returns the pid, or the errno posix_spawn gave.
    static func spawn(path: String, arguments: [String], environment: [String: String],
                      files: (inout posix_spawn_file_actions_t) -> Void) -> Result<pid_t, SpawnError> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        files(&actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in defaultSignals { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        return rc == 0 ? .success(pid) : .failure(SpawnError(code: rc))
    }

    /// posix_spawn's errno, with its text.
    struct SpawnError: Error {
        let code: Int32
        var text: String { String(cString: strerror(code)) }
    }
}
