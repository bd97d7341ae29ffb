import GatewayProtocol
import XCTest

final class GatewayURLTests: XCTestCase {
    func testForms() throws {
        XCTAssertEqual(try GatewayURL(parsing: "https://vpn.example.com"), GatewayURL(host: "vpn.example.com"))
        XCTAssertEqual(try GatewayURL(parsing: "vpn.example.com:4443/eng"), GatewayURL(host: "vpn.example.com", port: 4443, path: "/eng"))
        let v6 = try GatewayURL(parsing: "https://[2001:db8:5e::1]:4443/")
        XCTAssertEqual(v6.host, "2001:db8:5e::1")
        XCTAssertEqual(v6.hostHeader, "[2001:db8:5e::1]:4443")
        XCTAssertEqual(v6.description, "https://[2001:db8:5e::1]:4443/")
        XCTAssertEqual(try GatewayURL(parsing: "https://h/x?secret").path, "/x")
    }

    func testRefusals() {
        XCTAssertThrowsError(try GatewayURL(parsing: "http://h/")) { XCTAssertEqual($0 as? GatewayURLError, .unsupportedScheme("http")) }
        XCTAssertThrowsError(try GatewayURL(parsing: "https://h:99999/")) { XCTAssertEqual($0 as? GatewayURLError, .badPort("99999")) }
        XCTAssertThrowsError(try GatewayURL(parsing: "https://[::1/")) { XCTAssertEqual($0 as? GatewayURLError, .malformed("https://[::1/")) }
        XCTAssertThrowsError(try GatewayURL(parsing: "https:///path"))
    }
}
