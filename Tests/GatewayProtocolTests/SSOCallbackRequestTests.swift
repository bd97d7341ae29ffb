import GatewayProtocol
import XCTest

/// What the localhost SSO listener answers (openconnect hpke.c): the callback gets a 302 to `return`, everything
/// else a 404; the return URL can never split the response or leave http(s).
final class SSOCallbackRequestTests: XCTestCase {
    let blob = SSOCallbackBlob(gatewayPublicKey: SSOCallbackBlobTests.spki, tag: Array(0..<12),
                               ciphertext: Array("token".utf8), iv: Array(0..<12)).base64

    func head(_ line: String) -> [UInt8] { Array("\(line)\r\nHost: localhost:29786\r\nAccept: */*\r\n\r\n".utf8) }
    func text(_ answer: SSOCallbackAnswer) -> String { String(decoding: answer.response, as: UTF8.self) }

    func testTheCallbackIsRedirectedToTheReturnURL() {
        let answer = SSOCallbackRequest.answer(
            head: head("GET /api/sso/\(blob)?return=https%3A%2F%2Fvpn.example%2F%2BCSCOE%2B%2Fsaml_ac_login.html HTTP/1.1"))
        XCTAssertEqual(answer.blob, blob)
        XCTAssertEqual(answer.location, "https://vpn.example/+CSCOE+/saml_ac_login.html")
        XCTAssertTrue(text(answer).hasPrefix("HTTP/1.1 302 Found\r\n"))
        XCTAssertTrue(text(answer).contains("\r\nLocation: https://vpn.example/+CSCOE+/saml_ac_login.html\r\n"))
        XCTAssertTrue(text(answer).hasSuffix("\r\n\r\n"))
        // Other parameters around it are ignored; HTTP/1.0 is fine.
        let other = SSOCallbackRequest.answer(head: head("GET /api/sso/\(blob)?x=1&return=http://h/done&y=2 HTTP/1.0"))
        XCTAssertEqual(other.location, "http://h/done")
        // The blob comes back with its %XX undone.
        let escaped = blob.replacingOccurrences(of: "+", with: "%2B").replacingOccurrences(of: "/", with: "%2F")
        XCTAssertEqual(SSOCallbackRequest.answer(head: head("GET /api/sso/\(escaped) HTTP/1.1")).blob, blob)
    }

    func testWithoutAFollowableReturnURLThePageSaysCloseTheWindow() {
        for query in ["", "?return=", "?return=javascript:alert(1)", "?return=file:///etc/passwd",
                      "?return=https://h/%0d%0aSet-Cookie:%20x=1", "?return=https://h/a%20b", "?return=https://",
                      "?return=https://h/" + String(repeating: "a", count: 3000)] {
            let answer = SSOCallbackRequest.answer(head: head("GET /api/sso/\(blob)\(query) HTTP/1.1"))
            XCTAssertEqual(answer.blob, blob, query)
            XCTAssertNil(answer.location, query)
            XCTAssertTrue(text(answer).hasPrefix("HTTP/1.1 200 OK\r\n"), query)
            XCTAssertTrue(text(answer).contains("You can close this window."), query)
            XCTAssertFalse(text(answer).contains("Set-Cookie"), query)
        }
    }

    func testAnythingElseIsNotFound() {
        for line in ["GET / HTTP/1.1", "GET /favicon.ico HTTP/1.1", "GET /api/sso/ HTTP/1.1", "GET /api/sso/!!! HTTP/1.1",
                     "GET /api/sso/AAEA HTTP/1.1", "POST /api/sso/\(blob) HTTP/1.1", "HEAD /api/sso/\(blob) HTTP/1.1",
                     "GET /api/sso/\(blob) HTTP/2", "GET /api/sso/\(blob)", "GET  /api/sso/\(blob) HTTP/1.1",
                     "GET /API/SSO/\(blob) HTTP/1.1", "GET /x/api/sso/\(blob) HTTP/1.1", "GET /api/sso/\(blob)\u{7f} HTTP/1.1"] {
            let answer = SSOCallbackRequest.answer(head: head(line))
            XCTAssertNil(answer.blob, line)
            XCTAssertTrue(text(answer).hasPrefix("HTTP/1.1 404 Not Found\r\n"), line)
        }
        XCTAssertNil(SSOCallbackRequest.answer(head: []).blob)
        XCTAssertNil(SSOCallbackRequest.answer(head: [0xff, 0xfe, 0x0a]).blob)
    }

    func testHeadLengthFindsTheBlankLine() {
        XCTAssertNil(SSOCallbackRequest.headLength(Array("GET / HTTP/1.1\r\nHost: x\r\n".utf8)))
        XCTAssertEqual(SSOCallbackRequest.headLength(Array("GET / HTTP/1.1\r\n\r\nBODY".utf8)), 18)
        XCTAssertEqual(SSOCallbackRequest.headLength(Array("GET / HTTP/1.1\n\nBODY".utf8)), 16)
        XCTAssertNil(SSOCallbackRequest.headLength([]))
    }
}
