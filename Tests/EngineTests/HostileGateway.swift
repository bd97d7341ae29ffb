import COpenSSL
import Foundation
import Glibc
import Synchronization

/// Client certificates the hostile gateways received (their verify callback counts them), for issue 13 item 8.
let clientCertificatesReceived = Mutex<Int>(0)

/// A deliberately broken gateway on 127.0.0.1: TLS with a throwaway certificate, then one kind of misbehaviour.
/// Each connection is served on its own thread until `stop()`.
final class HostileGateway: @unchecked Sendable {
    enum Behavior: Sendable {
        case oversizedHeaders
        case endlessChunkedBody
        case byteAtATime
        case silence
        /// Right after the handshake: a CSTP header whose length no packet can have.
        case cstpFrame([UInt8])
        /// A DPD request with this payload; then a DISCONNECT whose text says whether the answer echoed it.
        case dpdProbe([UInt8])
    }

    let port: Int
    let pin: String
    private let listener: Int32
    private let context: OpaquePointer
    private let behavior: Behavior
    private let lock = NSLock()
    private var stopped = false

    init(_ behavior: Behavior, requestClientCertificate: Bool = false) throws {
        self.behavior = behavior
        let identity = try SelfSignedIdentity()
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw LabFailure("SSL_CTX_new") }
        SSL_CTX_use_certificate(context, identity.certificate)
        SSL_CTX_use_PrivateKey(context, identity.key)
        if requestClientCertificate {
            // Asks for one, accepts any, and counts what arrives.
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, { _, store in
                if let store, X509_STORE_CTX_get_error_depth(store) == 0 { clientCertificatesReceived.withLock { $0 += 1 } }
                return 1
            })
        }
        self.context = context
        self.pin = identity.pin

        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: 0,
                                  sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")), sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 8) == 0 else { throw LabFailure("cannot listen on 127.0.0.1") }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func acceptLoop() {
        while !isStopped {
            let fd = accept(listener, nil, nil)
            if fd < 0 { return }
            let thread = Thread { [self] in serve(fd) }
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        guard let ssl = SSL_new(context) else { return }
        defer { SSL_free(ssl) }
        SSL_set_fd(ssl, fd)
        guard SSL_accept(ssl) == 1 else { return }
        func send(_ bytes: [UInt8]) -> Bool {
            bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) } > 0
        }
        func readRequest() {
            var buffer = [UInt8](repeating: 0, count: 16384)
            _ = SSL_read(ssl, &buffer, Int32(buffer.count))
        }
        switch behavior {
        case .oversizedHeaders:
            readRequest()
            _ = send(Array("HTTP/1.1 200 OK\r\n".utf8))
            let junk = Array("X-Junk: ".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 8192) + [13, 10]
            for _ in 0..<128 where !isStopped { if !send(junk) { return } }
        case .endlessChunkedBody:
            readRequest()
            _ = send(Array("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
            let chunk = Array("1000\r\n".utf8) + [UInt8](repeating: UInt8(ascii: "<"), count: 4096) + [13, 10]
            for _ in 0..<25_000 where !isStopped { if !send(chunk) { return } }  // 100 MB at most, then give up
        case .byteAtATime:
            readRequest()
            let endless = Array("HTTP/1.1 200 OK\r\nX-Slow: ".utf8)
            var index = 0
            while !isStopped {
                if !send([index < endless.count ? endless[index] : UInt8(ascii: "z")]) { return }
                index += 1
                usleep(20_000)
            }
        case .silence:
            while !isStopped { usleep(50_000) }
        case .cstpFrame(let bytes):
            _ = send(bytes)
            while !isStopped { usleep(50_000) }
        case .dpdProbe(let payload):
            let request: [UInt8] = [0x53, 0x54, 0x46, 0x01, UInt8(payload.count >> 8), UInt8(payload.count & 0xff), 0x03, 0x00]
            _ = send(request + payload)
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !isStopped, received.count < 8 + payload.count {
                let count = SSL_read(ssl, &buffer, Int32(buffer.count))
                if count <= 0 { return }
                received += buffer.prefix(Int(count))
            }
            let answered = Array(received.prefix(8)) == [0x53, 0x54, 0x46, 0x01, request[4], request[5], 0x04, 0x00]
                && Array(received[8..<(8 + payload.count)]) == payload
            let verdict = Array((answered ? "answered" : "mismatch").utf8)  // both 8 bytes: length 1 + 8
            _ = send([0x53, 0x54, 0x46, 0x01, 0x00, 0x09, 0x05, 0x00, 0xb0] + verdict)
            while !isStopped { usleep(50_000) }
        }
    }
}

struct LabFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
