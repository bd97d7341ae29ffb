import Foundation
import Glibc

/// Opens the SSO login URL in the user's browser: `--external-browser CMD` (openconnect's flag; CMD gets the URL
/// as its only argument), else `$BROWSER`, else `xdg-open`. posix_spawn with an argv — never a shell, so nothing
/// in the URL is ever interpreted. The child gets its own process group (a Ctrl-C in the terminal is not its),
/// /dev/null for stdin/stdout/stderr (the TUI owns the terminal) and none of our descriptors; it is reaped on a
/// background thread and otherwise left alone.
public enum BrowserLauncher {
    public static func open(_ url: String, command: String?) throws(EngineError) {
        try open(url, command: command, environment: ProcessInfo.processInfo.environment)
    }

    static func open(_ url: String, command: String?, environment: [String: String]) throws(EngineError) {
        let words = asInvokingUser(try argv(url: url, command: command, environment: environment),
                                   environment: environment, effectiveUser: geteuid())
        let pid = try spawn(words, environment: environment)
        // Reap it whenever it ends (xdg-open returns at once; a browser may run for hours).
        Thread.detachNewThread {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
    }

    /// The argv to run, program resolved to a path. The URL comes from the gateway: only an http(s) URL of visible
    /// ASCII is passed on, so it can never look like an option (`--renderer-cmd-prefix=…`) to the browser.
    static func argv(url: String, command: String?, environment: [String: String]) throws(EngineError) -> [String] {
        guard isSafeURL(url) else {
            throw .protocolError(.userAuth, "the gateway's single sign-on URL is not a plain http(s) URL; not opening it")
        }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        if let command, !command.isEmpty {
            guard let program = resolve(command, path: path) else {
                throw .usage("--external-browser \(command): no such executable (give a path, or a program on PATH)")
            }
            return [program, url]
        }
        // $BROWSER: a colon-separated list (the first is used), each a command with optional arguments split on
        // spaces; %s, if present, is where the URL goes.
        if let browser = environment["BROWSER"]?.split(separator: ":").first.map(String.init),
           !browser.trimmingCharacters(in: .whitespaces).isEmpty {
            var words = browser.split(separator: " ").map(String.init)
            guard let program = resolve(words[0], path: path) else {
                throw .usage("$BROWSER names \(words[0]), which is not an executable on PATH; fix $BROWSER or pass --external-browser CMD")
            }
            words[0] = program
            if words.dropFirst().contains(where: { $0.contains("%s") }) {
                return [words[0]] + words.dropFirst().map { $0.replacingOccurrences(of: "%s", with: url) }
            }
            return words + [url]
        }
        guard let program = resolve("xdg-open", path: path) else {
            throw .usage("no browser to open the single sign-on page: xdg-open is not installed (Debian: xdg-utils); "
                + "set $BROWSER or pass --external-browser CMD, or open the URL yourself")
        }
        return [program, url]
    }

    /// Under sudo the browser runs as the person who typed sudo, never as root: `runuser -u SUDO_USER --` (util-linux,
    /// which only root may run), when that user exists; otherwise unchanged.
    static func asInvokingUser(_ words: [String], environment: [String: String], effectiveUser: uid_t) -> [String] {
        guard effectiveUser == 0, let user = environment["SUDO_USER"], user != "root", !user.isEmpty, user.count <= 32,
              user.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "_-.".unicodeScalars.contains($0) }),
              !user.hasPrefix("-"), getpwnam(user) != nil,
              let runuser = ["/usr/sbin/runuser", "/sbin/runuser"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else {
            return words
        }
        return [runuser, "-u", user, "--"] + words
    }

    static func isSafeURL(_ url: String) -> Bool {
        let bytes = Array(url.utf8)
        guard !bytes.isEmpty, bytes.count <= 8192, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else { return false }
        let lower = url.lowercased()
        return lower.hasPrefix("https://") || lower.hasPrefix("http://")
    }

    /// A name with a slash is taken as a path; otherwise the first executable of that name on PATH.
    static func resolve(_ name: String, path: String) -> String? {
        if name.contains("/") { return isExecutableFile(name) ? name : nil }
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }

    static func spawn(_ words: [String], environment: [String: String]) throws(EngineError) -> pid_t {
        // The tunnel's descriptors (tun, TLS socket, the listener) are none of the browser's business. glibc's
        // closefrom action is not visible to Swift, so each open one is named; glibc ignores any closed meanwhile.
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        let result = ChildProcess.spawn(path: words[0], arguments: words, environment: environment) { actions in
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
            for descriptor in open.compactMap(Int32.init) where descriptor > 2 {
                posix_spawn_file_actions_addclose(&actions, descriptor)
            }
        }
        switch result {
        case .success(let pid): return pid
        case .failure(let error): throw .failed(.userAuth, "cannot start the browser \(words[0]): \(error.text)")
        }
    }
}
