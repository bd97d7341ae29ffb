import GatewayProtocol
import XCTest

/// The external-browser callback blob (openconnect hpke.c layout): bounds, every malformation a typed error.
final class SSOCallbackBlobTests: XCTestCase {
    /// A real P-256 SubjectPublicKeyInfo (91 bytes), as an ASA puts its ephemeral key in the blob.
    static let spki: [UInt8] = Base64.decode(
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEFbRnQQ3p6vK2LmbBPy5CAzb2luJeGdLGNM1QwozCYD0cDGEdYqb+joxu7jx48k08+iaAvaqDQ6sY1327Rwd62w==")!
    let sample = SSOCallbackBlob(gatewayPublicKey: spki, tag: Array(0..<12), ciphertext: Array("AbC123xyz789token".utf8),
                                 iv: Array(12..<24))

    static func record(_ type: UInt16, _ value: [UInt8]) -> [UInt8] {
        [UInt8(type >> 8), UInt8(type & 0xff), UInt8(value.count >> 8), UInt8(value.count & 0xff)] + value
    }

    func testRecordsRoundTripThroughBase64AndBase64URLAndPercentEscapes() throws {
        XCTAssertEqual(Self.spki.count, 91)
        XCTAssertEqual(try SSOCallbackBlob.parse(sample.base64), sample)
        let url = sample.base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        XCTAssertEqual(try SSOCallbackBlob.parse(url), sample)
        let escaped = sample.base64.replacingOccurrences(of: "+", with: "%2B").replacingOccurrences(of: "/", with: "%2f")
            .replacingOccurrences(of: "=", with: "%3D")
        XCTAssertEqual(try SSOCallbackBlob.parse(escaped), sample)
        // The byte layout: version word, then type/length records in order 1-4.
        let bytes = sample.recordBytes
        XCTAssertEqual(Array(bytes.prefix(6)), [0x00, 0x01, 0x00, 0x01, 0x00, 0x5b])
        XCTAssertEqual(bytes.count, 2 + 4 * 4 + 91 + 12 + 17 + 12)
    }

    func testRecordsInAnyOrderAreAccepted() throws {
        let bytes: [UInt8] = [0, 1] + Self.record(4, sample.iv) + Self.record(3, sample.ciphertext)
            + Self.record(1, Self.spki) + Self.record(2, sample.tag)
        XCTAssertEqual(try SSOCallbackBlob.parse(bytes: bytes), sample)
    }

    func testGarbageTruncatedAndOversizedBlobsFailWithTypedErrors() {
        func expect(_ text: String, _ expected: SSOBlobError, line: UInt = #line) {
            XCTAssertThrowsError(try SSOCallbackBlob.parse(text), line: line) { XCTAssertEqual($0 as? SSOBlobError, expected, line: line) }
        }
        func expect(bytes: [UInt8], _ expected: SSOBlobError, line: UInt = #line) {
            XCTAssertThrowsError(try SSOCallbackBlob.parse(bytes: bytes), line: line) {
                XCTAssertEqual($0 as? SSOBlobError, expected, line: line)
            }
            // The same through the text path, as the listener hands it over.
            XCTAssertThrowsError(try SSOCallbackBlob.parse(Base64.encode(bytes)), line: line) {
                XCTAssertEqual($0 as? SSOBlobError, bytes.isEmpty ? .empty : expected, line: line)
            }
        }
        expect("", .empty)
        expect(String(repeating: "A", count: SSOCallbackBlob.maxTextLength + 1),
               .tooLong(characters: SSOCallbackBlob.maxTextLength + 1))
        expect("not base64!", .notBase64)
        expect("AAEA AQ", .notBase64)
        expect("A", .notBase64)
        expect("%zz", .notBase64)
        expect("AA=A", .notBase64)
        let good = sample.recordBytes
        expect(bytes: [0x00], .truncated(offset: 0))
        expect(bytes: [0x00, 0x02] + good.dropFirst(2), .badVersion(2))
        expect(bytes: [0x00, 0x01], .missingRecord("gateway public key"))
        expect(bytes: [0x00, 0x01, 0x00, 0x01, 0x00], .truncated(offset: 2))
        // A record whose length runs past the end, at every cut of a good blob.
        for cut in 3..<(good.count - 1) {
            XCTAssertThrowsError(try SSOCallbackBlob.parse(bytes: Array(good.prefix(cut)))) { error in
                guard case .truncated? = error as? SSOBlobError else {
                    // A cut exactly between records leaves a later record missing instead.
                    guard case .missingRecord? = error as? SSOBlobError else { return XCTFail("cut \(cut): \(error)") }
                    return
                }
            }
        }
        expect(bytes: [0, 1, 0x00, 0x05, 0, 0], .unknownRecord(type: 5, offset: 2))
        expect(bytes: [0, 1, 0x00, 0x00, 0, 0], .unknownRecord(type: 0, offset: 2))
        expect(bytes: [0, 1] + Self.record(2, sample.tag) + Self.record(2, sample.tag), .duplicateRecord(type: 2))
        let withoutIV: [UInt8] = [0, 1] + Self.record(1, Self.spki) + Self.record(2, sample.tag) + Self.record(3, [0x41])
        expect(bytes: withoutIV, .missingRecord("IV"))
        expect(bytes: [0, 1] + Self.record(1, Self.spki) + Self.record(3, [0x41]) + Self.record(4, sample.iv),
               .missingRecord("authentication tag"))
        func blob(key: [UInt8] = SSOCallbackBlobTests.spki, tag: [UInt8] = Array(0..<12), ciphertext: [UInt8] = [0x41], iv: [UInt8] = Array(0..<12)) -> [UInt8] {
            [0, 1] + Self.record(1, key) + Self.record(2, tag) + Self.record(3, ciphertext) + Self.record(4, iv)
        }
        expect(bytes: blob(tag: Array(0..<16)), .badLength(record: "authentication tag", length: 16))
        expect(bytes: blob(iv: Array(0..<16)), .badLength(record: "IV", length: 16))
        expect(bytes: blob(ciphertext: []), .badLength(record: "ciphertext", length: 0))
        expect(bytes: blob(key: []), .badLength(record: "gateway public key", length: 0))
        expect(bytes: blob(key: [UInt8](repeating: 4, count: 300)), .badLength(record: "gateway public key", length: 300))
        XCTAssertThrowsError(try SSOCallbackBlob.parse(bytes: blob(ciphertext: [UInt8](repeating: 0x41, count: 5000)))) {
            XCTAssertEqual($0 as? SSOBlobError, .badLength(record: "ciphertext", length: 5000))
        }
        // Random bytes never trap.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let count = Int.random(in: 0..<200, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? SSOCallbackBlob.parse(bytes: [0, 1] + bytes)
            _ = try? SSOCallbackBlob.parse(String(decoding: bytes, as: UTF8.self))
        }
    }

    func testNothingOfTheBlobIsPrinted() {
        XCTAssertEqual(sample.description, "SSOCallbackBlob(key: 91 bytes, ciphertext: 17 bytes)")
        XCTAssertFalse(SSOBlobError.notBase64.description.contains(sample.base64))
        XCTAssertTrue(SSOBlobError.truncated(offset: 7).description.contains("log in again"))
    }

    func testBase64FollowsRFC4648() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=",
                       "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            XCTAssertEqual(Base64.encode(Array(plain.utf8)), encoded)
            XCTAssertEqual(Base64.decode(encoded), Array(plain.utf8))
            XCTAssertEqual(Base64.decode(encoded.replacingOccurrences(of: "=", with: "")), Array(plain.utf8))
        }
        XCTAssertEqual(Base64.decode("-_-_"), Base64.decode("+/+/"))
        XCTAssertEqual(Base64.decode("+/+/"), [0xfb, 0xff, 0xbf])
        XCTAssertNil(Base64.decode("Zm9=v"))
        XCTAssertNil(Base64.decode("Zg="))
        XCTAssertNil(Base64.decode("Zg==="))
        XCTAssertNil(Base64.decode("Z"))
        XCTAssertNil(Base64.decode("Zm9v\n"))
    }
}
