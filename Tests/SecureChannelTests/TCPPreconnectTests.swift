import COpenSSL
import Glibc
import SecureChannel
import XCTest

/// The connection opened ahead of the first handshake (issue 12, item 4): taken once, by the gateway it was
/// opened to, its failure reported as the gateway's answer, too old a connection not used.
final class TCPPreconnectTests: XCTestCase {
    func testAHandshakeRunsOverTheConnectionOpenedAhead() throws {
        let pki = try TestPKI()
        let server = try TestTLSServer(certificate: pki.path("server.pem"), key: pki.path("server.key"))
        let preconnect = TCPPreconnect.start(host: "127.0.0.1", port: server.port, timeoutSeconds: 5)
        XCTAssertNil(preconnect.take(host: "127.0.0.2", port: server.port), "another gateway")
        XCTAssertNil(preconnect.take(host: "127.0.0.1", port: server.port + 1), "another port")
        let connection = try XCTUnwrap(preconnect.take(host: "127.0.0.1", port: server.port)).get()
        XCTAssertEqual(connection.remoteAddress, "127.0.0.1")
        XCTAssertNil(preconnect.take(host: "127.0.0.1", port: server.port), "taken once")
        let client = try TLSClient.connect(host: "127.0.0.1", port: server.port,
                                           configuration: TLSConfiguration(useSystemTrust: false), connected: connection)
        defer { client.close() }
        XCTAssertEqual(client.descriptor, connection.descriptor)
        XCTAssertEqual(server.result()?.handshake, true)
    }

    func testARefusedConnectionIsTheAnswer() throws {
        // A port nobody listens on: bound, never listening, so the refusal is certain.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: 0,
                                  sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")), sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let outcome = try XCTUnwrap(TCPPreconnect.start(host: "127.0.0.1", port: port, timeoutSeconds: 5)
            .take(host: "127.0.0.1", port: port))
        guard case .failure(let error) = outcome, case .connect = error else { return XCTFail("\(outcome)") }
        XCTAssertTrue(error.isUnreachable)
    }

    func testAConnectionTooOldIsClosedNotUsed() throws {
        let pki = try TestPKI()
        let server = try TestTLSServer(certificate: pki.path("server.pem"), key: pki.path("server.key"))
        let preconnect = TCPPreconnect.start(host: "127.0.0.1", port: server.port, timeoutSeconds: 5, maximumAgeSeconds: 0)
        XCTAssertNil(preconnect.take(host: "127.0.0.1", port: server.port))
        // The server saw the connection end without a handshake.
        XCTAssertEqual(server.result()?.handshake, false)
    }
}
