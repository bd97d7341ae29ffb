import Foundation
import CLinux
import Glibc

/// The service's listening socket: the one systemd passed (socket activation: LISTEN_FDS/LISTEN_PID, fd 3), or
/// one bound at the path, mode 0666 — who may use it is decided per peer by SO_PEERCRED, not by file mode.
public final class ServiceListener: Sendable {
    public let descriptor: Int32
    public let path: String
    public let activated: Bool

    private init(descriptor: Int32, path: String, activated: Bool) {
        self.descriptor = descriptor
        self.path = path
        self.activated = activated
    }

    public static func open(path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ServiceError) -> ServiceListener {
        if let count = environment["LISTEN_FDS"].flatMap(Int.init), count >= 1,
           environment["LISTEN_PID"].flatMap(Int32.init) == getpid() {
            let fd: Int32 = 3  // SD_LISTEN_FDS_START
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            unsetenv("LISTEN_FDS")
            unsetenv("LISTEN_PID")
            unsetenv("LISTEN_FDNAMES")
            return ServiceListener(descriptor: fd, path: path, activated: true)
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            // /run/swiftgate is root's and private (session state, locks: 0700 from RuntimeDirectory); front ends
            // must still reach the socket in it, so it may be passed through (0711), never listed.
            if !FileManager.default.fileExists(atPath: directory) { _ = mkdir(directory, 0o711) }
            var info = stat()
            if lstat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == geteuid(),
               info.st_mode & 0o011 != 0o011 {
                _ = chmod(directory, (info.st_mode & 0o7777) | 0o011)
            }
        }
        // A socket left by a service that died is replaced; one that answers is another service, not ours to take.
        if (try? MessageSocket.connect(path: path)).map({ $0.close(); return true }) == true {
            throw .rejected("another Swiftgate service already listens at \(path)")
        }
        unlink(path)
        let fd: Int32
        do {
            fd = try MessageSocket.unixSocket(path: path) { fd, address, length in bind(fd, address, length) }
        } catch {
            throw .unavailable(path: path, reason: "cannot listen there: \(error.reasonText)")
        }
        guard chmod(path, 0o666) == 0, listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw .unavailable(path: path, reason: "cannot listen there: \(reason)")
        }
        return ServiceListener(descriptor: fd, path: path, activated: false)
    }

    /// The next front end, or nil when the listener was closed.
    func accept() -> MessageSocket? {
        while true {
            let fd = Glibc.accept(descriptor, nil, nil)
            if fd >= 0 {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                return MessageSocket(descriptor: fd)
            }
            if errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE {
                if errno == EMFILE || errno == ENFILE { usleep(100_000) }
                continue
            }
            return nil
        }
    }

    public func close() {
        shutdown(descriptor, Int32(SHUT_RDWR))
        Glibc.close(descriptor)
        if !activated { unlink(path) }
    }
}
