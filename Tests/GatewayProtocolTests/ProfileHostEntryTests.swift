import GatewayProtocol
import XCTest

/// Issue 13, item 1: what a gateway's profile may save as a gateway.
final class ProfileHostEntryTests: XCTestCase {
    private func problem(_ name: String, _ address: String, group: String? = nil) -> String? {
        ProfileHostEntry(name: name, address: address, userGroup: group).problem
    }

    func testOrdinaryEntriesPass() {
        XCTAssertNil(problem("Lab Primary", "198.18.0.1:4443"))
        XCTAssertNil(problem("Zürich office", "vpn-zh.example.com", group: "Engineering"))
        XCTAssertNil(problem("vpn.example.com", "VPN.example.com"), "named by its own address")
        XCTAssertNil(problem("IPv6", "[2001:db8::1]:443"))
    }

    func testANameThatReadsAsAnotherAddressIsRefused() {
        XCTAssertNotNil(problem("https://vpn.corp.example", "evil.example"))
        XCTAssertNotNil(problem("vpn.corp.example", "evil.example"))
        XCTAssertNotNil(problem("vpn.corp.example:443", "evil.example"))
        XCTAssertNotNil(problem("corp/eng", "evil.example"))
    }

    func testUnprintableOrOversizedNamesAreRefused() {
        XCTAssertNotNil(problem("corp\nInjected line", "vpn.example.com"))
        XCTAssertNotNil(problem("corp\u{1B}[31m", "vpn.example.com"))
        XCTAssertNotNil(problem("corp\u{202E}", "vpn.example.com"), "a bidi override")
        XCTAssertNotNil(problem(String(repeating: "x", count: 65), "vpn.example.com"))
        XCTAssertNotNil(problem("", "vpn.example.com"))
    }

    func testTheAddressIsAHostWithAnOptionalPort() {
        XCTAssertNotNil(problem("Corp", "https://vpn.example.com/"))
        XCTAssertNotNil(problem("Corp", "user@vpn.example.com"))
        XCTAssertNotNil(problem("Corp", "vpn.example.com:99999"))
        XCTAssertNotNil(problem("Corp", "vpn example.com"))
        XCTAssertNotNil(problem("Corp", "vpn.example.com/path"))
        XCTAssertNotNil(problem("Corp", "vpn.example.com", group: "../../admin"))
        XCTAssertNotNil(problem("Corp", "vpn.example.com", group: "eng?x=1"))
    }
}
