import COpenSSL
import Foundation
import Glibc
import Synchronization

/// A tiny gateway on 127.0.0.1 for issue 13 item 12: any POST logs in at once (a success document and a new
/// cookie); the first two CONNECTs bring a tunnel up and drop it at once; every later CONNECT refuses the cookie
/// (HTTP 401), as a gateway that will not have this client does.
final class RefusedCookieGateway: @unchecked Sendable {
    let port: Int
    let pin: String
    private let listener: Int32
    private let context: OpaquePointer
    let logins = Mutex(0)
    let connects = Mutex(0)
    let connections = Mutex(0)
    /// TCP connections accepted, a handshake or not.
    let accepted = Mutex(0)
    /// Drops the connection right after the login's reply, with no `Connection: close` (an idle timeout as it
    /// looks to the client), and answers every CONNECT with 503: for the kept-alive connection's retry.
    private let dropAfterLogin: Bool

    init(dropAfterLogin: Bool = false) throws {
        self.dropAfterLogin = dropAfterLogin
        let identity = try SelfSignedIdentity()
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw LabFailure("SSL_CTX_new") }
        SSL_CTX_use_certificate(context, identity.certificate)
        SSL_CTX_use_PrivateKey(context, identity.key)
        self.context = context
        self.pin = identity.pin
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: 0,
                                  sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")), sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 8) == 0 else { throw LabFailure("cannot listen on 127.0.0.1") }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 { return }
                accepted.withLock { $0 += 1 }
                Thread { [self] in serve(client) }.start()
            }
        }.start()
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        guard let ssl = SSL_new(context) else { return }
        defer { SSL_free(ssl) }
        SSL_set_fd(ssl, fd)
        guard SSL_accept(ssl) == 1 else { return }
        connections.withLock { $0 += 1 }
        var pending: [UInt8] = []
        func send(_ text: String) { _ = Array(text.utf8).withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) } }
        while true {
            // One request: the head, then Content-Length bytes.
            var buffer = [UInt8](repeating: 0, count: 16384)
            while pending.firstRange(of: Array("\r\n\r\n".utf8)) == nil {
                let count = SSL_read(ssl, &buffer, Int32(buffer.count))
                if count <= 0 { return }
                pending += buffer.prefix(Int(count))
            }
            let end = pending.firstRange(of: Array("\r\n\r\n".utf8))!.upperBound
            let head = String(decoding: pending[..<end], as: UTF8.self)
            let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
            while pending.count < end + length {
                let count = SSL_read(ssl, &buffer, Int32(buffer.count))
                if count <= 0 { return }
                pending += buffer.prefix(Int(count))
            }
            pending.removeFirst(end + length)
            if head.hasPrefix("CONNECT") {
                let number = connects.withLock { $0 += 1; return $0 }
                if dropAfterLogin {
                    send("HTTP/1.1 503 Service Unavailable\r\nX-Reason: reached on a new connection\r\nContent-Length: 0\r\n\r\n")
                } else if number <= 2 {
                    send("HTTP/1.1 200 CONNECTED\r\nX-CSTP-Address: 10.213.0.2\r\nX-CSTP-Netmask: 255.255.255.0\r\n"
                         + "X-CSTP-MTU: 1400\r\n\r\n")
                } else {
                    send("HTTP/1.1 401 Unauthorized\r\nX-Reason: this client is not welcome\r\nContent-Length: 0\r\n\r\n")
                }
                return  // the tunnel drops at once; a refusal ends the connection
            }
            let number = logins.withLock { $0 += 1; return $0 }
            let body = #"<?xml version="1.0" encoding="UTF-8"?><config-auth client="vpn" type="complete"><auth id="success"><title>ok</title></auth></config-auth>"#
            send("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nSet-Cookie: webvpn=COOKIE\(number); Secure\r\n"
                 + "Content-Length: \(body.utf8.count)\r\n\r\n" + body)
            if dropAfterLogin { return }
        }
    }
}
