import Engine
import GatewayProtocol
import XCTest

final class EngineErrorTests: XCTestCase {
    func testExitCodesFollowTheDesign() {
        let report = CertificateReport(host: "h", port: 443, subject: "CN=h", issuer: "CN=h", notBefore: "", notAfter: "",
                                       subjectAltNames: [], pin: "pin-sha256:abc=", sha1: "AA", spkiSHA256Hex: "",
                                       spkiSHA1Hex: "", reasons: ["self-signed certificate"])
        XCTAssertEqual(EngineError.usage("x").exitCode, 2)
        XCTAssertEqual(EngineError.authenticationRefused("x").exitCode, 3)
        XCTAssertEqual(EngineError.certificateUntrusted(report, why: "x").exitCode, 4)
        XCTAssertEqual(EngineError.unreachable("x").exitCode, 5)
        XCTAssertEqual(EngineError.protocolError(.userAuth, "x").exitCode, 6)
        XCTAssertEqual(EngineError.missingPrivilege("x").exitCode, 7)
        XCTAssertEqual(EngineError.cancelled("x").exitCode, 1)
    }

    func testCertificateErrorSaysHowToTrustAndSummaryIsOneLine() {
        let report = CertificateReport(host: "h", port: 4443, subject: "CN=h", issuer: "CN=ca", notBefore: "", notAfter: "",
                                       subjectAltNames: [], pin: "pin-sha256:abc=", sha1: "AA", spkiSHA256Hex: "",
                                       spkiSHA1Hex: "", reasons: ["self-signed certificate"])
        let error = EngineError.certificateUntrusted(report, why: "self-signed certificate")
        XCTAssertTrue(error.description.contains("--servercert pin-sha256:abc="))
        XCTAssertEqual(error.summary, "certificate of h:4443 not trusted: self-signed certificate")
    }
}
