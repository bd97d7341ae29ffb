import CLinux
import Glibc

/// What every Swiftgate process does first (issue 13, items 3 and 14): a closed pipe or terminal is an error to
/// handle (EPIPE), never a SIGPIPE that kills the process before the tunnel is torn down; no core dumps (they
/// would hold passwords, cookies and keys).
public enum ProcessHardening {
    /// Ignores SIGPIPE and disables core dumps; returns what could not be done, in words (nil: all done).
    @discardableResult
    public static func apply() -> String? {
        signal(SIGPIPE, SIG_IGN)
        let rc = CLinux_disable_core_dumps()
        return rc == 0 ? nil : "cannot disable core dumps: \(String(cString: strerror(-rc)))"
    }

    /// Whether the process may still dump core (for tests and diagnostics).
    public static var isDumpable: Bool { CLinux_is_dumpable() == 1 }

    /// Whether SIGPIPE is ignored.
    public static var ignoresSIGPIPE: Bool {
        var current = sigaction()
        sigaction(SIGPIPE, nil, &current)
        let handler = unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self)
        return handler == unsafeBitCast(SIG_IGN, to: Int.self)
    }
}
