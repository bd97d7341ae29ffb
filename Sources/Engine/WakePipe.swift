import Glibc

/// A pipe whose byte wakes a thread's poll loop from another thread: both ends non-blocking and close-on-exec
/// (a vpnc-script inherits neither).
enum WakePipe {
    static func open() -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        _ = pipe(&fds)
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        return (fds[0], fds[1])
    }
}
