import COpenSSL
import Glibc

extension TLSClient {
    /// Whether the gateway's answer has begun, waiting at most the socket's receive timeout. The first byte is
    /// peeked, not consumed, so the reader that follows sees the whole reply. A record with no application data
    /// (a TLS 1.3 session ticket) counts as nothing yet.
    public func waitReadable() throws(SecureChannelError) -> Bool {
        var byte: UInt8 = 0
        OpenSSLErrorQueue.clear()
        let count = SSL_peek(sslHandle, &byte, 1)
        if count > 0 { return true }
        let savedErrno = errno
        let code = SSL_get_error(sslHandle, count)
        switch code {
        case SSL_ERROR_ZERO_RETURN: throw .closed
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE, SSL_ERROR_SYSCALL:
            if savedErrno == EAGAIN || savedErrno == EWOULDBLOCK || savedErrno == EINTR { return false }
            if savedErrno == 0 || savedErrno == EPIPE || savedErrno == ECONNRESET { throw .closed }
            throw .system("TLS I/O", errno: savedErrno)
        default:
            throw .tls(OpenSSLErrorQueue.drainedDescription(default: "error \(code) waiting for the gateway"))
        }
    }
}
