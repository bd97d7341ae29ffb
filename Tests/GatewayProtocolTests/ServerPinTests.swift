import GatewayProtocol
import XCTest

/// `--servercert` in every form openconnect takes (library.c `openconnect_check_peer_cert_hash`), always whole.
final class ServerPinTests: XCTestCase {
    private let spki256 = "140e5ecddda2cf9e96d546e097ef56a785f73efb7658e67d6d56181031249cf1"
    private let spki1 = "d1b5a2e3e8f7c6b5a4938271605f4e3d2c1b0a99"
    private let der1 = "0B2A8CF78C556BBBDD6006412ADA41E1CF814772"
    private var report: CertificateReport {
        CertificateReport(host: "h", port: 443, subject: "CN=h", issuer: "CN=h", notBefore: "", notAfter: "",
                          subjectAltNames: [], pin: "pin-sha256:FA5ezd2iz56W1Ubgl+9Wp4X3Pvt2WOZ9bVYGEDEkyPE=",
                          sha1: der1, spkiSHA256Hex: spki256, spkiSHA1Hex: spki1, reasons: [])
    }

    func testEveryFormParsesAndMatches() throws {
        let forms: [(String, ServerPin.Kind)] = [
            ("pin-sha256:FA5ezd2iz56W1Ubgl+9Wp4X3Pvt2WOZ9bVYGEDEkyPE=", .pinSHA256),
            ("pin-sha256:FA5ezd2iz56W1Ubgl+9Wp4X3Pvt2WOZ9bVYGEDEkyPE", .pinSHA256),  // the '=' lost in a paste
            ("sha256:" + spki256, .spkiSHA256),
            ("sha256:" + spki256.uppercased(), .spkiSHA256),
            ("SHA256:" + spki256, .spkiSHA256),
            ("sha1:" + spki1, .spkiSHA1),
            ("sha1:" + spki1.uppercased(), .spkiSHA1),
            (der1, .certificateSHA1),
            (der1.lowercased(), .certificateSHA1),
            ("  " + der1 + " ", .certificateSHA1),
            (colons(der1), .certificateSHA1),  // `openssl x509 -fingerprint -sha1`
            ("sha256:" + colons(spki256), .spkiSHA256),
        ]
        for (text, kind) in forms {
            let pin = try ServerPin(parsing: text)
            XCTAssertEqual(pin.kind, kind, text)
            XCTAssertTrue(pin.matches(report), text)
            XCTAssertTrue(report.matches(pin: text), text)
        }
    }

    func testCanonicalText() throws {
        XCTAssertEqual(try ServerPin(parsing: "sha256:" + spki256.uppercased()).description, "sha256:" + spki256)
        XCTAssertEqual(try ServerPin(parsing: colons(der1)).description, der1.lowercased())
        XCTAssertEqual(try ServerPin(parsing: "pin-sha256:FA5ezd2iz56W1Ubgl+9Wp4X3Pvt2WOZ9bVYGEDEkyPE").description,
                       "pin-sha256:FA5ezd2iz56W1Ubgl+9Wp4X3Pvt2WOZ9bVYGEDEkyPE=")
    }

    /// openconnect takes any prefix of four characters or more; Swiftgate never does.
    func testPrefixesAreRefusedWithAReason() {
        let prefixes = ["pin-sha256:FA5e", "pin-sha256:FA5ezd2iz56W1Ubgl+9Wp4X3Pvt2WOZ9bVYGEDEky", "sha256:140e5ecd",
                        "sha1:d1b5", String(der1.prefix(39)), String(der1.prefix(38)), "0B2A"]
        for text in prefixes {
            XCTAssertThrowsError(try ServerPin(parsing: text), text) { error in
                guard let error = error as? ServerPinError else { return XCTFail("\(error)") }
                if case .wrongLength = error {
                    XCTAssertTrue(error.description.contains("a prefix is never accepted"), error.description)
                } else if error != .unknownForm {
                    XCTFail("\(text): \(error)")
                }
            }
            XCTAssertFalse(report.matches(pin: text), text)
        }
    }

    func testMalformedValuesAreTypedErrors() {
        XCTAssertEqual(error(""), .empty)
        XCTAssertEqual(error("   "), .empty)
        XCTAssertEqual(error("md5:" + String(repeating: "a", count: 32)), .unknownForm)
        XCTAssertEqual(error("pin-sha256:FA5ezd2iz56W1Ubgl+9Wp4X3Pvt2WOZ9bVYGEDEkyPE=\u{7}"), .notBase64)
        XCTAssertEqual(error("pin-sha256:FA5ezd2iz56W1Ubgl-9Wp4X3Pvt2WOZ9bVYGEDEkyPE="), .notBase64)
        XCTAssertEqual(error("sha256:" + String(repeating: "g", count: 64)), .notHex(kind: "sha256"))
        XCTAssertEqual(error("sha1:abc:def"), .notHex(kind: "sha1"))
        XCTAssertEqual(error(der1 + "00"), .wrongLength(kind: "certificate-sha1", expected: 20, got: 21))
        XCTAssertEqual(error("sha1:" + spki256), .wrongLength(kind: "sha1", expected: 20, got: 32))
    }

    func testAWrongPinDoesNotMatch() throws {
        let other = try ServerPin(parsing: "sha256:" + String(repeating: "0", count: 64))
        XCTAssertFalse(other.matches(report))
        // A pin-sha256 is compared as bytes: case in base64 is significant (openconnect: case-sensitive too).
        XCTAssertFalse(report.matches(pin: "pin-sha256:fa5ezd2iz56W1Ubgl+9Wp4X3Pvt2WOZ9bVYGEDEkyPE="))
        // The bare form is the certificate's SHA-1, not the key's (openconnect library.c).
        XCTAssertFalse(report.matches(pin: spki1))
    }

    private func error(_ text: String) -> ServerPinError? {
        do {
            _ = try ServerPin(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    private func colons(_ hex: String) -> String {
        var pairs: [String] = []
        var rest = Substring(hex)
        while !rest.isEmpty {
            pairs.append(String(rest.prefix(2)))
            rest = rest.dropFirst(2)
        }
        return pairs.joined(separator: ":")
    }
}
