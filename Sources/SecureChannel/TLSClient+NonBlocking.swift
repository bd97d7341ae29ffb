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
    /// repeated with the same bytes (their address may change). Writes are batched from here on: each is still
    /// one record, but records wait in the write batch until `flush` (issue 12, item 3). Reads too: with read-ahead
    /// one recv() fills OpenSSL's read buffer (`readBufferLength`) with many records, where without it every record
    /// cost two (its 5-byte header, then its body). The records it holds are invisible to poll, so the loop polls only
    /// after a read said `wantRead` (OpenSSL then holds no whole record).
    public func enterDataMode() {
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
        _ = COpenSSL_SSL_enable_moving_write_buffer(sslHandle)
        SSL_set_read_ahead(sslHandle, 1)
        guard writeBatch == nil, let batch = COpenSSL_tls_write_batch_new() else { return }
        if COpenSSL_tls_write_batch_attach(sslHandle, batch) == 1 {
            writeBatch = batch
        } else {
            COpenSSL_tls_write_batch_free(batch)
        }
    }

    /// Records written but not yet handed to TCP (the socket was full): poll for POLLOUT and `flush`.
    public var hasPendingWrites: Bool { (writeBatch?.pointee.used ?? 0) > 0 }

    /// Hands the batched records to TCP in one send(): `.done` when all went, `wantWrite` when the socket is full
    /// (the rest waits, in order), `.closed` or `.failed` when the connection is gone.
    public func flush() -> IOResult {
        guard let writeBatch else { return .done(0) }
        var sent = 0
        defer { COpenSSL_tls_write_batch_consumed(writeBatch, sent) }
        let waiting = writeBatch.pointee.used
        while sent < waiting {
            let count = Glibc.send(descriptor, writeBatch.pointee.bytes + sent, waiting - sent, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            if count > 0 {
                sent += count
                continue
            }
            if count == 0 { return .closed }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return .wantWrite }
            if code == ECONNRESET || code == EPIPE { return .closed }
            return .failed(SystemErrno.describe(code))
        }
        return .done(sent)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        OpenSSLErrorQueue.clearBeforeIO()
        let count = SSL_read(sslHandle, buffer.baseAddress, Int32(min(buffer.count, Int(Int32.max))))
        if count > 0 { return .done(Int(count)) }
        return result(of: count)
    }

    /// Writes one whole record (one CSTP frame); partial writes are off, so it is all or nothing.
    public func write(_ bytes: UnsafeRawBufferPointer) -> IOResult {
        OpenSSLErrorQueue.clearBeforeIO()
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
