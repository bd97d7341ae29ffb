import Foundation
import XCTest

/// Client certificate authentication against ocserv with `enable-auth = certificate` and a client CA.
final class ClientCertificateLabTests: LabTestCase {



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
