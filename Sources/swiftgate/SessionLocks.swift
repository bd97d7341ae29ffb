import Engine
import Foundation

/// The locks a tunnel session holds, and the warning about sessions that died without teardown (issue 13,
/// item 13).
enum SessionLocks {
    static func take(database: String, interface: String?, runtime: String) throws(EngineError) -> [SessionLock] {
        var locks = [try SessionLock.acquireDatabase(path: database)]
        if let interface {
            guard !interface.isEmpty, interface.utf8.count < 16, !interface.contains("/"), interface != ".", interface != ".." else {
                throw .usage("--interface \(interface): not a device name (at most 15 characters, no '/')")
            }
            try RuntimeDirectory.prepareForLocks(runtime)
            locks.append(try SessionLock.acquire(path: runtime + "/tun-\(interface).lock", what: "the tun device \(interface)"))
        }
        return locks
    }

    static func warnAboutStaleSessions(runtime: String) {
        for stale in SessionState.stale(in: runtime) {
            StandardStreams.err("swiftgate: warning: a previous \(SessionState.describe(stale)) ended without its "
                                + "teardown; its routes and DNS may still be set: run 'swiftgate cleanup'\n")
        }
    }
}
