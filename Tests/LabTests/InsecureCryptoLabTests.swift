import Foundation
import XCTest

/// An old headend that speaks TLS 1.1 at most (issue 10, item 11): refused by default with a hint, reached with
/// `--allow-insecure-crypto` and a warning. openconnect reaches it without a flag (its OpenSSL/GnuTLS builds
/// allow TLS 1.0 and up, openssl.c `openconnect_open_https`): the difference is on purpose.
final class InsecureCryptoLabTests: LabTestCase {
    func testATLS11HeadendNeedsTheFlagAndIsWarnedAbout() throws {
        let lab = try start(["--extra", "tls-priorities = NORMAL:%SERVER_PRECEDENCE:-VERS-ALL:+VERS-TLS1.1:+VERS-TLS1.0"])
        let base = ["connect", lab["URL"], "--cafile", lab["CA_FILE"], "--user", "alice", "--passwd-on-stdin",
                    "--authenticate", "--events", "json"]
        let refused = try lab.swiftgate(base, stdin: "secret\n")
        XCTAssertEqual(refused.exitCode, 6, refused.allOutput)
        XCTAssertTrue(refused.stderr.contains("--allow-insecure-crypto would allow it"), refused.stderr)

        let allowed = try lab.swiftgate(base + ["--allow-insecure-crypto"], stdin: "secret\n")
        XCTAssertEqual(allowed.exitCode, 0, allowed.allOutput)
        XCTAssertNotNil(allowed.authValue("COOKIE"))
        XCTAssertEqual(allowed.doneDetail("tls")?["protocol"] as? String, "TLSv1.1")
        let warning = allowed.events.first { $0["event"] as? String == "warning" }
        XCTAssertTrue((warning?["message"] as? String ?? "").contains("--allow-insecure-crypto is on"), "\(allowed.events.prefix(2))")

        let openconnect = try lab.client(["openconnect", "--authenticate", "--non-inter", "--passwd-on-stdin", "--user", "alice",
                                          "--authgroup", "DEFAULT", "--cafile", lab["CA_FILE"], lab["URL"]], stdin: "secret\n")
        XCTAssertEqual(openconnect.exitCode, 0, openconnect.allOutput)
        XCTAssertTrue(openconnect.stderr.contains("(TLS1.1)") || openconnect.stderr.contains("(TLS1.0)"), openconnect.stderr)
    }
}
