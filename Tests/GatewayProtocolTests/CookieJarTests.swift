import GatewayProtocol
import XCTest

final class CookieJarTests: XCTestCase {
    func testSetCookieLinesFromOcservSuccess() {
        // The success reply of traces/psk-group-select.txt: webvpnc is first deleted, then set again.
        var jar = CookieJar()
        jar.update(from: HTTPHeaders([
            ("Set-Cookie", "webvpncontext=AJcX=; Secure; HttpOnly"),
            ("Set-Cookie", "webvpn=COOKIE123; Secure; HttpOnly"),
            ("Set-Cookie", "webvpnc=; expires=Thu, 01 Jan 1970 22:00:00 GMT; path=/; Secure; HttpOnly"),
            ("Set-Cookie", "webvpnc=bu:/&p:t&iu:1/&sh:0B2A; path=/; Secure; HttpOnly"),
        ]))
        XCTAssertEqual(jar["webvpn"]?.reveal(), "COOKIE123")
        XCTAssertEqual(jar["webvpnc"]?.reveal(), "bu:/&p:t&iu:1/&sh:0B2A")
        XCTAssertEqual(jar.headerValue(), "webvpncontext=AJcX=; webvpn=COOKIE123; webvpnc=bu:/&p:t&iu:1/&sh:0B2A")
    }

    func testEmptyValueDeletes() {
        var jar = CookieJar()
        jar.set("webvpncontext", "abc")
        jar.update(from: HTTPHeaders([("Set-Cookie", "webvpncontext=; expires=Thu, 01 Jan 1970 22:00:00 GMT; path=/")]))
        XCTAssertNil(jar["webvpncontext"])
        XCTAssertNil(jar.headerValue())
    }

    func testSecretsDoNotPrint() {
        var jar = CookieJar()
        jar.set("webvpn", "TOPSECRET")
        XCTAssertFalse("\(jar)".contains("TOPSECRET"))
        XCTAssertFalse(String(reflecting: jar).contains("TOPSECRET"))
        XCTAssertEqual("\(Secret("pw"))", "<redacted>")
    }
}
