import Glibc

/// Writes to stdout and stderr that never crash: with SIGPIPE ignored a closed pipe or terminal (EPIPE, EIO) or
/// a full disk (ENOSPC) is an error we drop (issue 13, item 3). Foundation's FileHandle.write traps on those.
enum StandardStreams {
    /// Writes every byte unless the descriptor fails; false when it did.
    @discardableResult
    static func write(_ text: String, to descriptor: Int32) -> Bool {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    @discardableResult
    static func out(_ text: String) -> Bool { write(text, to: STDOUT_FILENO) }

    @discardableResult
    static func err(_ text: String) -> Bool { write(text, to: STDERR_FILENO) }
}
