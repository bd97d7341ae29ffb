import COpenSSL
import Foundation
import Glibc

/// A TLS server on 127.0.0.1 for one handshake, recording what the client sent: the certificate chain it
/// presented and whether it verifies against `clientCA`. Optionally limited to old protocol versions.
final class TestTLSServer: @unchecked Sendable {
    struct Seen: Sendable {
        var handshake: Bool
        var protocolVersion: String
        /// The client's certificate and the chain it sent after it, subjects in order.
        var clientSubjects: [String]
        var clientVerified: Bool
        /// ClientHellos received: 2 when the server had to ask for another key share (a HelloRetryRequest).
        var clientHellos: Int
    }

    let port: Int
    private let listener: Int32
    private let context: OpaquePointer
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var seen: Seen?

    /// `groups`: the only key-exchange groups the server takes (an ASA's `ssl ecdh-group`).
    init(certificate: String, key: String, clientCA: String? = nil, maxVersion: Int32? = nil,
         groups: String? = nil) throws {
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw PKIFailure("SSL_CTX_new") }
        self.context = context
        if let groups, COpenSSL_SSL_CTX_set1_groups_list(context, groups) != 1 { throw PKIFailure("groups \(groups)") }
        guard SSL_CTX_use_certificate_chain_file(context, certificate) == 1,
              SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1 else { throw PKIFailure("server identity") }
        if let maxVersion {
            // What an old headend offers; OpenSSL 3 needs security level 0 to sign a TLS 1.0/1.1 handshake.
            _ = COpenSSL_SSL_CTX_set_min_proto_version(context, TLS1_VERSION)
            _ = COpenSSL_SSL_CTX_set_max_proto_version(context, maxVersion)
            _ = SSL_CTX_set_cipher_list(context, "DEFAULT:@SECLEVEL=0")
            SSL_CTX_set_security_level(context, 0)
        }
        if let clientCA {
            // Only the root is trusted, as ocserv with `ca-cert` = the root: the client must send its intermediate.
            guard SSL_CTX_load_verify_locations(context, clientCA, nil) == 1 else { throw PKIFailure("client CA") }
            SSL_CTX_set_client_CA_list(context, SSL_load_client_CA_file(clientCA))
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, { _, _ in 1 })  // record, do not abort
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: 0,
                                  sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")), sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 4) == 0 else { throw PKIFailure("cannot listen on 127.0.0.1") }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in serveOne() }.start()
    }

    deinit {
        close(listener)
        SSL_CTX_free(context)
    }

    /// What the one handshake showed, waiting at most `seconds` for it.
    func result(within seconds: Int = 10) -> Seen? {
        guard done.wait(timeout: .now() + .seconds(seconds)) == .success else { return nil }
        lock.lock()
        defer { lock.unlock() }
        return seen
    }

    private func serveOne() {
        let fd = accept(listener, nil, nil)
        guard fd >= 0, let ssl = SSL_new(context) else {
            done.signal()
            return
        }
        defer {
            SSL_free(ssl)
            close(fd)
        }
        SSL_set_fd(ssl, fd)
        var clientHellos = 0
        SSL_set_msg_callback(ssl) { written, _, contentType, buffer, length, _, argument in
            // Handshake messages as received; the first byte is the message type (1: ClientHello).
            guard written == 0, contentType == SSL3_RT_HANDSHAKE, length > 0, let buffer, let argument,
                  buffer.load(as: UInt8.self) == SSL3_MT_CLIENT_HELLO else { return }
            argument.assumingMemoryBound(to: Int.self).pointee += 1
        }
        let handshake = withUnsafeMutablePointer(to: &clientHellos) { counter in
            _ = SSL_ctrl(ssl, SSL_CTRL_SET_MSG_CALLBACK_ARG, 0, counter)
            return SSL_accept(ssl) == 1
        }
        var record = Seen(handshake: handshake, protocolVersion: String(cString: SSL_get_version(ssl)),
                          clientSubjects: [], clientVerified: false, clientHellos: clientHellos)
        if record.handshake {
            if let peer = SSL_get1_peer_certificate(ssl) {
                record.clientSubjects.append(Self.subject(peer))
                X509_free(peer)
            }
            // On a server, the peer chain holds what came after the leaf... or the leaf too: take the others.
            if let chain = SSL_get_peer_cert_chain(ssl) {
                for index in 0..<COpenSSL_sk_X509_num(chain) {
                    if let certificate = COpenSSL_sk_X509_value(chain, index) {
                        let name = Self.subject(certificate)
                        if name != record.clientSubjects.first { record.clientSubjects.append(name) }
                    }
                }
            }
            record.clientVerified = SSL_get_verify_result(ssl) == X509_V_OK && !record.clientSubjects.isEmpty
            _ = SSL_shutdown(ssl)
        }
        lock.lock()
        seen = record
        lock.unlock()
        done.signal()
    }

    private static func subject(_ certificate: OpaquePointer) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        X509_NAME_oneline(X509_get_subject_name(certificate), &buffer, Int32(buffer.count))
        return String(cString: buffer)
    }
}
