import GatewayProtocol
import XCTest

final class CertificateReportTests: XCTestCase {
    private let report = CertificateReport(
        host: "h", port: 443, subject: "CN=h", issuer: "CN=h", notBefore: "", notAfter: "", subjectAltNames: [],
        pin: "pin-sha256:FA5ezd2iz56W1Ubgl+9Wp4X3Pvt2WOZ9bVYGEDEkyPE=", sha1: "0B2A8CF78C556BBBDD6006412ADA41E1CF814772",
        spkiSHA256Hex: "140e5ecddda2cf9e96d546e097ef56a785f73efb7658e67d6d56181031249cf1", spkiSHA1Hex: "aabb", reasons: ["self-signed certificate"])

    func testPinForms() {
        XCTAssertTrue(report.matches(pin: "pin-sha256:FA5ezd2iz56W1Ubgl+9Wp4X3Pvt2WOZ9bVYGEDEkyPE="))
        XCTAssertFalse(report.matches(pin: "pin-sha256:fa5ezd2iz56W1Ubgl+9Wp4X3Pvt2WOZ9bVYGEDEkyPE="), "base64 is case-sensitive")
        XCTAssertFalse(report.matches(pin: "pin-sha256:FA5e"), "a prefix is not a pin")
        XCTAssertTrue(report.matches(pin: "sha256:140E5ECDDDA2CF9E96D546E097EF56A785F73EFB7658E67D6D56181031249CF1"))
        XCTAssertTrue(report.matches(pin: "0b2a8cf78c556bbbdd6006412ada41e1cf814772"), "bare hex: SHA-1 of the DER")
        XCTAssertFalse(report.matches(pin: ""))
        XCTAssertFalse(report.isValid)
    }
}
