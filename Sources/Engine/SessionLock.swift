import Foundation
import Glibc

/// An exclusive lock for the life of a session (issue 13, item 13): one database, one tun name, one session at a
/// time. `flock` on a file: the kernel drops it when the process dies, so a crash never leaves a lock behind.
public final class SessionLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    /// Locks `path` (created if missing), or says which process holds it. `what` names the resource for people.
    public static func acquire(path: String, what: String) throws(EngineError) -> SessionLock {
        let fd = RuntimeDirectory.open(path, flags: O_RDWR | O_CREAT)
        guard fd >= 0 else { throw .failed(nil, "cannot open the lock file \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.holder(fd)
            close(fd)
            throw .usage("another swiftgate session\(holder.map { " (pid \($0))" } ?? "") is using \(what): "
                         + "stop it first (or wait for it to end)")
        }
        // The holder's pid, for the message another instance shows.
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, text, text.count, 0)
        return SessionLock(descriptor: fd)
    }

    /// Locks the database file itself (SQLite's own locks are fcntl locks; flock does not touch them).
    public static func acquireDatabase(path: String) throws(EngineError) -> SessionLock {
        let fd = Glibc.open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw .failed(nil, "cannot open the database \(path) to lock it: \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw .usage("another swiftgate session is using the database \(path): stop it first, "
                         + "or give this one its own with --db")
        }
        return SessionLock(descriptor: fd)
    }

    private static func holder(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
