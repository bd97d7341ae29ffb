import COpenSSL
import GatewayProtocol
import SecureChannel
import XCTest

/// `--allow-insecure-crypto` (issue 10, item 11): off by default; on, it reaches a TLS 1.1-only headend.
final class TLSConfigurationTests: XCTestCase {
    func testDefaultsAreStrict() throws {
        let configuration = TLSConfiguration()
        XCTAssertFalse(configuration.allowInsecureCrypto)
        XCTAssertEqual(configuration.minimumVersion, .tls1_2)
        XCTAssertNil(configuration.securityLevel)
        XCTAssertNil(configuration.cipherList)
        let applied = try configuration.appliedContextSummary()
        XCTAssertEqual(applied.minimumVersion, TLS1_2_VERSION)
        XCTAssertFalse(applied.legacyServerConnect)
        XCTAssertGreaterThanOrEqual(applied.securityLevel, 1)
    }

    func testInsecureCryptoLowersEverythingItSays() throws {
        var configuration = TLSConfiguration()
        configuration.allowInsecureCrypto = true
        let applied = try configuration.appliedContextSummary()
        XCTAssertEqual(applied.minimumVersion, TLS1_VERSION)
        XCTAssertEqual(applied.securityLevel, 0)
        XCTAssertTrue(applied.legacyServerConnect)
        XCTAssertTrue(TLSConfiguration.insecureCryptoWarning.contains("--allow-insecure-crypto"))
    }

    /// What a server that takes only `groups` saw of one default-configured handshake.
    private func handshake(withAServerTaking groups: String) throws -> TestTLSServer.Seen {
        let pki = try TestPKI()
        let server = try TestTLSServer(certificate: pki.path("server.pem"), key: pki.path("server.key"), groups: groups)
        let client = try TLSClient.connect(host: "127.0.0.1", port: server.port,
                                           configuration: TLSConfiguration(useSystemTrust: false))
        defer { client.close() }
        return try XCTUnwrap(server.result())
    }

    func testAP256OnlyGatewayNeedsNoHelloRetry() throws {
        // An ASA keeps to `ssl ecdh-group` (P-256 by default): a ClientHello whose key share is X25519 costs a
        // HelloRetryRequest and a second ClientHello, one round trip more before the login can start.
        let seen = try handshake(withAServerTaking: "P-256")
        XCTAssertTrue(seen.handshake)
        XCTAssertEqual(seen.protocolVersion, "TLSv1.3")
        XCTAssertEqual(seen.clientHellos, 1, "the first ClientHello already carried a P-256 key share")
    }

    func testAnX25519OnlyGatewayStillConnects() throws {
        let seen = try handshake(withAServerTaking: "X25519")
        XCTAssertTrue(seen.handshake)
        XCTAssertEqual(seen.clientHellos, 2, "X25519 is offered, after a HelloRetryRequest")
    }

    func testATLS11HeadendNeedsInsecureCrypto() throws {
        let pki = try TestPKI()
        let strictServer = try TestTLSServer(certificate: pki.path("server.pem"), key: pki.path("server.key"),
                                             maxVersion: TLS1_1_VERSION)
        XCTAssertThrowsError(try TLSClient.connect(host: "127.0.0.1", port: strictServer.port,
                                                   configuration: TLSConfiguration(useSystemTrust: false))) {
            guard case .tls = $0 as? SecureChannelError else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(strictServer.result()?.handshake, false)

        let server = try TestTLSServer(certificate: pki.path("server.pem"), key: pki.path("server.key"),
                                       maxVersion: TLS1_1_VERSION)
        var configuration = TLSConfiguration(caFile: pki.path("root.pem"), useSystemTrust: false)
        configuration.allowInsecureCrypto = true
        let client = try TLSClient.connect(host: "127.0.0.1", port: server.port, configuration: configuration)
        XCTAssertEqual(client.protocolVersion, "TLSv1.1")
        XCTAssertEqual(server.result()?.handshake, true)
        client.close()
    }
}
