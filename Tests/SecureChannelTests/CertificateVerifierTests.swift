import COpenSSL
import Foundation
@testable import SecureChannel
import XCTest

/// Certificate checks fail closed and refuse partial wildcards (issue 13, item 9).
final class CertificateVerifierTests: XCTestCase {
    /// A self-signed certificate for `names` (its own anchor through --cafile), made with the openssl tool.
    private func certificate(names: [String]) throws -> (path: String, leaf: OpaquePointer) {
        let directory = NSTemporaryDirectory() + "swiftgate-verifier-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/cert.pem"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                             "-keyout", directory + "/key.pem", "-out", path, "-days", "2", "-subj", "/CN=\(names[0])",
                             "-addext", "subjectAltName=" + names.map { "DNS:\($0)" }.joined(separator: ","),
                             "-addext", "extendedKeyUsage=serverAuth"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "openssl req (install openssl: scripts/setup.sh)")
        let file = try XCTUnwrap(fopen(path, "r"))
        defer { fclose(file) }
        let leaf = try XCTUnwrap(PEM_read_X509(file, nil, nil, nil))
        addTeardownBlock { X509_free(leaf) }
        return (path, leaf)
    }

    func testAnExactNameIsTrusted() throws {
        let (path, leaf) = try certificate(names: ["vpn.example.com"])
        let verifier = try CertificateVerifier(configuration: TLSConfiguration(caFile: path, useSystemTrust: false))
        XCTAssertEqual(verifier.reasons(leaf: leaf, chain: nil, host: "vpn.example.com"), [])
        XCTAssertFalse(verifier.reasons(leaf: leaf, chain: nil, host: "other.example.com").isEmpty)
    }

    func testAPartialWildcardMatchesNothing() throws {
        let (path, leaf) = try certificate(names: ["f*.example.com"])
        let verifier = try CertificateVerifier(configuration: TLSConfiguration(caFile: path, useSystemTrust: false))
        let reasons = verifier.reasons(leaf: leaf, chain: nil, host: "foo.example.com")
        XCTAssertFalse(reasons.isEmpty, "f*.example.com must not match foo.example.com")
    }

    func testAFullWildcardStillMatchesOneLabel() throws {
        let (path, leaf) = try certificate(names: ["*.example.com"])
        let verifier = try CertificateVerifier(configuration: TLSConfiguration(caFile: path, useSystemTrust: false))
        XCTAssertEqual(verifier.reasons(leaf: leaf, chain: nil, host: "foo.example.com"), [])
    }

    func testAHostThatCannotBeSetIsAReason() throws {
        let (path, leaf) = try certificate(names: ["vpn.example.com"])
        let verifier = try CertificateVerifier(configuration: TLSConfiguration(caFile: path, useSystemTrust: false))
        // An embedded NUL makes X509_VERIFY_PARAM_set1_host refuse the name: that must not pass as "trusted".
        XCTAssertFalse(verifier.reasons(leaf: leaf, chain: nil, host: "vpn.example.com\u{0}.evil").isEmpty)
    }
}
