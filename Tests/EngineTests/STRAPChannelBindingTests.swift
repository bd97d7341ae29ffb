import COpenSSL
import GatewayProtocol
import SecureChannel
import XCTest

/// X-AnyConnect-STRAP-Verify over a real TLS connection (openconnect openssl.c append_strap_verify): the channel
/// binding comes from the handshake, and the signature verifies with the key sent earlier.
final class STRAPChannelBindingTests: XCTestCase {
    override func setUp() {
        super.setUp()
        // The test gateway and the client close their ends in either order; a write after the other's close
        // must fail, not kill the test process. Run without the suites that ignore SIGPIPE before it
        // (`--filter "STRAPKeysTests|STRAPChannelBinding|SSOAuthFlow"`), it died of SIGPIPE once in five runs.
        signal(SIGPIPE, SIG_IGN)
    }

    func testTheVerifyHeaderSignsThisConnectionsBindingAndTheCurrentKey() throws {
        let gateway = try HostileGateway(.silence)
        defer { gateway.stop() }
        let client = try TLSClient.connect(host: "127.0.0.1", port: gateway.port,
                                           configuration: TLSConfiguration(connectTimeoutSeconds: 5, ioTimeoutSeconds: 5))
        defer { client.close() }
        let binding = try client.strapChannelBinding()
        if client.protocolVersion == "TLSv1.3" {
            XCTAssertEqual(binding.count, 32, "RFC 9266 tls-exporter")
            XCTAssertEqual(binding, try client.exportKeyingMaterial(label: "EXPORTER-Channel-Binding", length: 32))
        } else {
            XCTAssertEqual(binding.count, 12, "RFC 5929 tls-unique: the Finished verify_data")
        }
        XCTAssertEqual(try client.strapChannelBinding(), binding, "stable for the connection")

        let keys = try STRAPKeys()
        let oldDER = try XCTUnwrap(Base64.decode(keys.publicKeyHeader))
        let signature = try XCTUnwrap(Base64.decode(try keys.verifyHeader(for: client, rekey: true)))
        let newDER = try XCTUnwrap(Base64.decode(keys.publicKeyHeader))
        XCTAssertNotEqual(newDER, oldDER)
        XCTAssertTrue(try verify(signature, over: binding + newDER, keyDER: oldDER))

        // Another connection has another binding: the signature does not carry over.
        let second = try TLSClient.connect(host: "127.0.0.1", port: gateway.port,
                                           configuration: TLSConfiguration(connectTimeoutSeconds: 5, ioTimeoutSeconds: 5))
        defer { second.close() }
        XCTAssertNotEqual(try second.strapChannelBinding(), binding)
        XCTAssertFalse(try verify(signature, over: try second.strapChannelBinding() + newDER, keyDER: oldDER))
    }

    func testTheBindingIsWhatTheGatewaySeesOnTLS12AndTLS13() throws {
        for (version, name, size) in [(TLS1_2_VERSION, "TLSv1.2", 12), (TLS1_3_VERSION, "TLSv1.3", 32)] {
            let server = try ChannelBindingServer(version: version)
            let client = try TLSClient.connect(host: "127.0.0.1", port: server.port,
                                               configuration: TLSConfiguration(connectTimeoutSeconds: 5, ioTimeoutSeconds: 5))
            defer { client.close() }
            XCTAssertEqual(client.protocolVersion, name)
            let message = try client.read()
            XCTAssertEqual(message.first.map(Int.init), size, name)
            XCTAssertEqual(try client.strapChannelBinding(), Array(message.dropFirst()), name)
        }
    }

    private func verify(_ signature: [UInt8], over message: [UInt8], keyDER: [UInt8]) throws -> Bool {
        let key: OpaquePointer = try keyDER.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            guard let key = d2i_PUBKEY(nil, &cursor, buffer.count) else { throw LabFailure("not a public key") }
            return key
        }
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_MD_CTX_new() else { throw LabFailure("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key) == 1 else { throw LabFailure("verify init") }
        return EVP_DigestVerify(context, signature, signature.count, message, message.count) == 1
    }
}
