import GatewayProtocol
import SecureChannel
import XCTest

final class DigestTests: XCTestCase {
    func testKnownVectors() {
        XCTAssertEqual(Hex.encode(Digest.sha256(Array("abc".utf8))),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(Hex.encode(Digest.sha1(Array("abc".utf8)), uppercase: true),
                       "A9993E364706816ABA3E25717850C26C9CD0D89D")
    }

    func testAddressText() {
        XCTAssertEqual(IPAddressText.format([198, 18, 0, 1]), "198.18.0.1")
        XCTAssertEqual(IPAddressText.format([0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1]), "2001:db8::1")
        XCTAssertTrue(IPAddressText.isNumeric("2001:db8:5e::1"))
        XCTAssertFalse(IPAddressText.isNumeric("gateway.lab.test"))
    }
}
