import ArgumentParser
import Engine
import Foundation

/// `swiftgate cleanup`: undoes what a session that died without teardown (a crash, SIGKILL) left behind — the
/// vpnc-script's `disconnect` with that session's saved environment (routes, resolv.conf), then its tun if it is
/// still there (issue 13, item 13).
struct CleanupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "Undo the routes, DNS and tun left by a session that ended without its teardown."
    )

    func run() throws {
        let runtime = RuntimeDirectory.resolve()
        let stale = SessionState.stale(in: runtime)
        guard !stale.isEmpty else {
            print("Nothing to clean up: no session ended without its teardown (\(runtime)).")
            return
        }
        for session in stale {
            print("Cleaning up the \(SessionState.describe(session)):")
            for line in SessionState.clean(session, directory: runtime) { print("  " + line) }
        }
    }
}
