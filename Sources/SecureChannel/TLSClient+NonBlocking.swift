import COpenSSL
import Glibc

/// The data plane's view of a TLS connection: non-blocking reads and whole-record writes, no allocation.
extension TLSClient {
    public enum IOResult: Equatable, Sendable {
        case done(Int)
        case wantRead
        case wantWrite
        case closed
        case failed(String)
    }

    /// Switches the socket to non-blocking mode for the data plane. A write that returns `wantWrite` must be
    /// repeated with the same bytes (their address may change).
    public func enterDataMode() {
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
        _ = COpenSSL_SSL_enable_moving_write_buffer(sslHandle)
    }

    /// Bytes OpenSSL has decrypted but not yet handed out (poll cannot see them).
    public var pendingPlaintext: Int { Int(SSL_pending(sslHandle)) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        ERR_clear_error()
        let count = SSL_read(sslHandle, buffer.baseAddress, Int32(min(buffer.count, Int(Int32.max))))
        if count > 0 { return .done(Int(count)) }
        return result(of: count)
    }

    /// Writes one whole record (one CSTP frame); partial writes are off, so it is all or nothing.
    public func write(_ bytes: UnsafeRawBufferPointer) -> IOResult {
        ERR_clear_error()
        let count = SSL_write(sslHandle, bytes.baseAddress, Int32(bytes.count))
        if count > 0 { return .done(Int(count)) }
        return result(of: count)
    }

    private func result(of rc: Int32) -> IOResult {
        let savedErrno = errno
        switch SSL_get_error(sslHandle, rc) {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_ZERO_RETURN: return .closed
        case SSL_ERROR_SYSCALL:
            if savedErrno == EAGAIN || savedErrno == EWOULDBLOCK { return .wantRead }
            if savedErrno == 0 || savedErrno == ECONNRESET || savedErrno == EPIPE { return .closed }
            return .failed(SystemErrno.describe(savedErrno))
        default:
            return .failed(OpenSSLErrorQueue.drainedDescription(default: "TLS error"))
        }
    }
}
