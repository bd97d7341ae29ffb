import COpenSSL
import GatewayProtocol
@testable import SecureChannel
import XCTest

/// Client certificates as ASA users have them (issue 10, item 10): a PEM file with the leaf and its
/// intermediates, sent as the chain, and PKCS#12 with a non-ASCII password, modern or legacy-encrypted.
final class ClientIdentityTests: XCTestCase {
    nonisolated(unsafe) private static var shared: TestPKI?
    private var pki: TestPKI {
        get throws {
            if let shared = Self.shared { return shared }
            let made = try TestPKI()
            Self.shared = made
            return made
        }
    }

    func testPEMWithIntermediateLoadsTheChain() throws {
        let pki = try pki
        let identity = try ClientIdentity(certificatePath: pki.path("leaf-chain.pem"), keyPath: pki.path("leaf.key"),
                                          passphrase: nil)
        XCTAssertEqual(identity.subject, "CN=alice")
        XCTAssertEqual(identity.chainSubjects, ["CN=Test Intermediate"])
    }

    func testTheLeafIsTheCertificateTheKeyBelongsTo() throws {
        let pki = try pki
        let file = pki.path("chain-first-leaf-last-with-key.pem")
        let identity = try ClientIdentity(certificatePath: file, keyPath: file, passphrase: nil)
        XCTAssertEqual(identity.subject, "CN=alice")
        XCTAssertEqual(identity.chainSubjects, ["CN=Test Intermediate"])
        XCTAssertThrowsError(try ClientIdentity(certificatePath: pki.path("inter.pem"), keyPath: pki.path("leaf.key"),
                                                passphrase: nil)) {
            XCTAssertTrue("\($0)".contains("belongs to no certificate"), "\($0)")
        }
    }

    func testPKCS12WithANonASCIIPassword() throws {
        let pki = try pki
        let path = pki.path("leaf.p12")
        XCTAssertTrue(ClientIdentity.isPKCS12(path: path))
        XCTAssertFalse(ClientIdentity.isPKCS12(path: pki.path("leaf-chain.pem")))
        XCTAssertTrue(ClientIdentity.pkcs12NeedsPassword(path: path))
        let identity = try ClientIdentity(pkcs12Path: path, password: Secret(TestPKI.password))
        XCTAssertEqual(identity.subject, "CN=alice")
        XCTAssertEqual(identity.chainSubjects, ["CN=Test Intermediate"])
        XCTAssertThrowsError(try ClientIdentity(pkcs12Path: path, password: Secret("passwörd"))) {
            XCTAssertEqual("\($0)", "client certificate: cannot open \(path): wrong password?")
        }
        XCTAssertThrowsError(try ClientIdentity(pkcs12Path: path, password: nil)) {
            XCTAssertTrue("\($0)".contains("protected by a password and none was given"), "\($0)")
        }
    }

    /// RC2-40/3DES (`openssl pkcs12 -export -legacy`): OpenSSL 3 reads it only with its legacy provider, which
    /// ClientIdentity loads when the first attempt says "unsupported".
    func testLegacyEncryptedPKCS12() throws {
        let pki = try pki
        let identity = try ClientIdentity(pkcs12Path: pki.path("leaf-legacy.pfx"), password: Secret(TestPKI.password))
        XCTAssertEqual(identity.subject, "CN=alice")
        XCTAssertEqual(identity.chainSubjects, ["CN=Test Intermediate"])
    }

    func testPKCS12WithoutPassword() throws {
        let pki = try pki
        let path = pki.path("leaf-nopass.p12")
        XCTAssertFalse(ClientIdentity.pkcs12NeedsPassword(path: path))
        XCTAssertEqual(try ClientIdentity(pkcs12Path: path, password: nil).subject, "CN=alice")
    }

    func testPre110PasswordForm() {
        XCTAssertEqual(ClientIdentity.pre110Form("abc"), "abc")
        XCTAssertEqual(Array(ClientIdentity.pre110Form("ä").unicodeScalars.map(\.value)), [0xC3, 0xA4])
    }

    /// On the wire: a server that trusts only the root sees leaf + intermediate and verifies them.
    func testTheIntermediateGoesOnTheWire() throws {
        let pki = try pki
        for (certificate, key) in [(pki.path("leaf-chain.pem"), pki.path("leaf.key")), (pki.path("leaf.p12"), "")] {
            let server = try TestTLSServer(certificate: pki.path("server.pem"), key: pki.path("server.key"),
                                           clientCA: pki.path("root.pem"))
            var configuration = TLSConfiguration(caFile: pki.path("root.pem"), useSystemTrust: false)
            configuration.identity = key.isEmpty
                ? try ClientIdentity(pkcs12Path: certificate, password: Secret(TestPKI.password))
                : try ClientIdentity(certificatePath: certificate, keyPath: key, passphrase: nil)
            let client = try TLSClient.connect(host: "127.0.0.1", port: server.port, configuration: configuration)
            XCTAssertEqual(client.requestedCANames, ["CN=Test Root"])
            XCTAssertTrue(client.report.isValid, "\(client.report.reasons)")
            let seen = try XCTUnwrap(server.result())
            client.close()
            XCTAssertTrue(seen.handshake)
            XCTAssertEqual(seen.clientSubjects, ["/CN=alice", "/CN=Test Intermediate"], certificate)
            XCTAssertTrue(seen.clientVerified, "the root-only server verifies the chain: \(certificate)")
        }
    }

    /// Without the intermediate, the same server cannot verify the leaf: what the chain fixes.
    func testALeafAloneDoesNotVerifyAgainstTheRoot() throws {
        let pki = try pki
        let server = try TestTLSServer(certificate: pki.path("server.pem"), key: pki.path("server.key"),
                                       clientCA: pki.path("root.pem"))
        var configuration = TLSConfiguration(caFile: pki.path("root.pem"), useSystemTrust: false)
        configuration.identity = try ClientIdentity(certificatePath: pki.path("leaf.pem"), keyPath: pki.path("leaf.key"),
                                                    passphrase: nil)
        let client = try? TLSClient.connect(host: "127.0.0.1", port: server.port, configuration: configuration)
        let seen = try XCTUnwrap(server.result())
        client?.close()
        XCTAssertEqual(seen.clientSubjects, ["/CN=alice"])
        XCTAssertFalse(seen.clientVerified)
    }
}
