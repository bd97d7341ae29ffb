import Glibc
import SecureChannel
import XCTest

/// Failures before TLS starts are typed and say what to check (exit 5 in the CLI).
final class TLSClientErrorTests: XCTestCase {
    func testRefusedPortIsUnreachable() throws {
        // A port we bound and closed again: nothing listens there.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: 0,
                                  sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")), sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = bind(fd, $0, length) }
        }
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        close(fd)
        XCTAssertThrowsError(try TLSClient.connect(host: "127.0.0.1", port: port, configuration: TLSConfiguration())) { error in
            guard case .connect(let host, let reported, let reasons) = error as? SecureChannelError else { return XCTFail("\(error)") }
            XCTAssertEqual(host, "127.0.0.1")
            XCTAssertEqual(reported, port)
            XCTAssertTrue(reasons.joined().contains("Connection refused"), "\(reasons)")
            XCTAssertTrue((error as! SecureChannelError).isUnreachable)
        }
    }

    func testUnknownHostIsAResolveError() {
        XCTAssertThrowsError(try TLSClient.connect(host: "no-such-host.invalid", port: 443, configuration: TLSConfiguration())) { error in
            guard case .resolve(let host, _) = error as? SecureChannelError else { return XCTFail("\(error)") }
            XCTAssertEqual(host, "no-such-host.invalid")
        }
    }

    func testUnreadableTrustAnchorsAreReportedBeforeConnecting() {
        let config = TLSConfiguration(caFile: "/nonexistent/ca.pem")
        XCTAssertThrowsError(try TLSClient.connect(host: "127.0.0.1", port: 1, configuration: config)) { error in
            guard case .trustAnchors(let path, _) = error as? SecureChannelError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "/nonexistent/ca.pem")
        }
    }
}
