import QRCode
import XCTest

final class QRCodeMatrixTests: XCTestCase {
    func testAURLEncodesToASquareWithTheThreeFinderPatterns() throws {
        let code = try XCTUnwrap(QRCodeMatrix.encode("https://vpn.example.com/+CSCOE+/saml/sp/login?tgname=corp"))
        XCTAssertEqual((code.size - 21) % 4, 0, "21 + 4 per version")
        XCTAssertGreaterThan(code.size, 21, "this URL needs more than version 1")
        // Each corner but the bottom right holds a 7x7 finder: a dark ring around a light ring around a dark 3x3.
        for (cx, cy) in [(0, 0), (code.size - 7, 0), (0, code.size - 7)] {
            XCTAssertTrue(code.isDark(x: cx, y: cy))
            XCTAssertTrue(code.isDark(x: cx + 6, y: cy + 6))
            XCTAssertFalse(code.isDark(x: cx + 1, y: cy + 1))
            XCTAssertTrue(code.isDark(x: cx + 3, y: cy + 3))
        }
    }

    func testDifferentTextsGiveDifferentCodesAndNothingEncodesEmptiness() throws {
        XCTAssertNotEqual(QRCodeMatrix.encode("https://a.example/1"), QRCodeMatrix.encode("https://a.example/2"))
        XCTAssertNil(QRCodeMatrix.encode(""))
        XCTAssertNil(QRCodeMatrix.encode(String(repeating: "x", count: 5000)))
    }
}
