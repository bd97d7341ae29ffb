import COpenSSL
import Foundation
import Glibc

/// A one-connection TLS server on 127.0.0.1 pinned to one TLS version, which sends the client its own view of
/// the channel binding: the client's Finished (tls-unique, TLS ≤ 1.2) or the RFC 9266 exporter (TLS 1.3). What
/// the client computes must match what a gateway computes.
final class ChannelBindingServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let context: OpaquePointer
    private let identity: SelfSignedIdentity

    init(version: Int32) throws {
        identity = try SelfSignedIdentity()
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw LabFailure("SSL_CTX_new") }
        SSL_CTX_use_certificate(context, identity.certificate)
        SSL_CTX_use_PrivateKey(context, identity.key)
        _ = SSL_CTX_ctrl(context, SSL_CTRL_SET_MIN_PROTO_VERSION, Int(version), nil)
        _ = SSL_CTX_ctrl(context, SSL_CTRL_SET_MAX_PROTO_VERSION, Int(version), nil)
        self.context = context
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: 0,
                                  sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")), sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 1) == 0 else { throw LabFailure("cannot listen on 127.0.0.1") }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in serveOne() }
    }

    deinit {
        close(listener)
        SSL_CTX_free(context)
    }

    private func serveOne() {
        let fd = accept(listener, nil, nil)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let ssl = SSL_new(context) else { return }
        defer { SSL_free(ssl) }
        SSL_set_fd(ssl, fd)
        guard SSL_accept(ssl) == 1 else { return }
        var binding = [UInt8](repeating: 0, count: 64)
        var length = 0
        if SSL_version(ssl) <= TLS1_2_VERSION {
            length = SSL_get_peer_finished(ssl, &binding, binding.count)
        } else {
            let label = Array("EXPORTER-Channel-Binding".utf8).map { CChar(bitPattern: $0) }
            if SSL_export_keying_material(ssl, &binding, 32, label, label.count, nil, 0, 0) == 1 { length = 32 }
        }
        var message = [UInt8(length)] + binding.prefix(length)
        _ = SSL_write(ssl, &message, Int32(message.count))
        var sink = [UInt8](repeating: 0, count: 16)
        _ = SSL_read(ssl, &sink, Int32(sink.count))  // until the client closes
    }
}
