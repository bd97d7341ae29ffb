import Foundation
import XCTest

/// Client certificate authentication against ocserv with `enable-auth = certificate` and a client CA.
final class ClientCertificateLabTests: LabTestCase {
    /// ocserv's `ca-cert` is the client root only; this leaf is issued by an intermediate below it, so the
    /// login works only if Swiftgate sends the intermediate with the leaf (issue 10, item 10).
    func testALeafIssuedByAnIntermediateIsSentWithItsChain() throws {
        let lab = try start(["--extra", "enable-auth = certificate"])
        let result = try lab.swiftgate(["connect", lab["URL"], "--cafile", lab["CA_FILE"], "--certificate", lab["CLIENT_CHAIN_PEM"],
                                        "--key", lab["CLIENT_KEY"], "--non-interactive", "--authenticate", "--events", "json"])
        XCTAssertEqual(result.exitCode, 0, result.allOutput)
        let tls = try XCTUnwrap(result.doneDetail("tls"))
        XCTAssertTrue((tls["client_certificate"] as? String ?? "").contains("CN=alice"), "\(tls)")
        XCTAssertEqual((tls["client_chain"] as? [String])?.count, 1, "\(tls)")
        XCTAssertTrue((tls["client_chain"] as? [String])?.first?.contains("Swiftgate Lab Client Intermediate") ?? false, "\(tls)")
        XCTAssertEqual((result.doneDetail("user-auth")?["steps"] as? [Any])?.count, 0, "the certificate replaced the password")
        XCTAssertNotNil(result.authValue("COOKIE"))

        // The same leaf without its intermediate: ocserv cannot verify it, and no certificate login happens.
        let alone = try lab.swiftgate(["connect", lab["URL"], "--cafile", lab["CA_FILE"], "--certificate",
                                       lab["CLIENT_LEAF_BY_INTERMEDIATE"], "--key", lab["CLIENT_KEY"], "--non-interactive",
                                       "--authenticate"])
        XCTAssertEqual(alone.exitCode, 6, alone.allOutput)
        XCTAssertNil(alone.authValue("COOKIE"), alone.allOutput)
        let log = (try? String(contentsOfFile: lab["OCSERV_LOG"], encoding: .utf8)) ?? ""
        XCTAssertTrue(log.contains("Error in the certificate"), "ocserv refused the unverifiable leaf: \(log.suffix(800))")
    }

    /// PKCS#12 with the chain inside, its non-ASCII password read like a form answer (stdin), and the legacy
    /// RC2/3DES file with --key-password.
    func testPKCS12WithANonASCIIPassword() throws {
        let lab = try start(["--extra", "enable-auth = certificate"])
        let password = lab["CLIENT_P12_PASS"]
        XCTAssertTrue(password.unicodeScalars.contains { !$0.isASCII }, "the lab's password is non-ASCII: \(password)")
        let result = try lab.swiftgate(["connect", lab["URL"], "--cafile", lab["CA_FILE"], "--certificate", lab["CLIENT_CHAIN_P12"],
                                        "--passwd-on-stdin", "--authenticate", "--events", "json"], stdin: password + "\n")
        XCTAssertEqual(result.exitCode, 0, result.allOutput)
        let tls = try XCTUnwrap(result.doneDetail("tls"))
        XCTAssertTrue((tls["client_chain"] as? [String])?.first?.contains("Swiftgate Lab Client Intermediate") ?? false, "\(tls)")
        XCTAssertNotNil(result.authValue("COOKIE"))
        XCTAssertFalse(result.allOutput.contains(password), "the password is never printed")

        let legacy = try lab.swiftgate(["connect", lab["URL"], "--cafile", lab["CA_FILE"], "--certificate", lab["CLIENT_LEGACY_P12"],
                                        "--key-password", password, "--non-interactive", "--authenticate"])
        XCTAssertEqual(legacy.exitCode, 0, legacy.allOutput)
        XCTAssertNotNil(legacy.authValue("COOKIE"))

        let wrong = try lab.swiftgate(["connect", lab["URL"], "--cafile", lab["CA_FILE"], "--certificate", lab["CLIENT_CHAIN_P12"],
                                       "--key-password", "passwörd", "--non-interactive", "--authenticate"])
        XCTAssertEqual(wrong.exitCode, 2, wrong.allOutput)
        XCTAssertTrue(wrong.stderr.contains("wrong password"), wrong.stderr)
    }

    func testEncryptedKeyPassphraseFromStdinAndTheCANamesInTheTLSPhase() throws {
        let lab = try start(["--extra", "enable-auth = certificate"])
        let result = try lab.swiftgate(["connect", lab["URL"], "--cafile", lab["CA_FILE"], "--certificate", lab["CLIENT_CERT"],
                                        "--key", lab["CLIENT_KEY_ENC"], "--passwd-on-stdin", "--authenticate", "--events", "json"],
                                       stdin: lab["CLIENT_KEY_PASS"] + "\n")
        XCTAssertEqual(result.exitCode, 0, result.allOutput)
        let tls = try XCTUnwrap(result.doneDetail("tls"))
        XCTAssertEqual(tls["client_ca_names"] as? [String], ["CN=Swiftgate Lab Client CA,O=Swiftgate Lab"])
        XCTAssertTrue((tls["client_certificate"] as? String ?? "").contains("CN=alice"))
        let steps = result.doneDetail("user-auth")?["steps"] as? [Any]
        XCTAssertEqual(steps?.count, 0, "the certificate replaced the password")
        XCTAssertNotNil(result.authValue("COOKIE"))
        XCTAssertFalse(result.allOutput.contains(lab["CLIENT_KEY_PASS"]), "the passphrase is never printed")
    }

    func testWrongPassphraseIsAClearError() throws {
        let lab = try start(["--extra", "enable-auth = certificate"])
        let result = try lab.swiftgate(["connect", lab["URL"], "--cafile", lab["CA_FILE"], "--certificate", lab["CLIENT_CERT"],
                                        "--key", lab["CLIENT_KEY_ENC"], "--passwd-on-stdin", "--authenticate"],
                                       stdin: "not-the-passphrase\n")
        XCTAssertEqual(result.exitCode, 2, result.allOutput)
        XCTAssertTrue(result.stderr.contains("wrong passphrase"), result.stderr)
    }
}
