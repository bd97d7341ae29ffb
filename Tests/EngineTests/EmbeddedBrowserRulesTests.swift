@testable import Engine
import GatewayProtocol
import XCTest

/// The embedded-browser login's decisions without a browser: final page, which cookie counts, the error text.
final class EmbeddedBrowserRulesTests: XCTestCase {
    private typealias Cookie = EmbeddedBrowserRules.Cookie
    private let final = "https://vpn.example.com/+CSCOE+/saml_ac_login.html"

    func testFinalPageComparesTheCanonicalURL() {
        XCTAssertTrue(EmbeddedBrowserRules.isFinalPage(final, finalURL: final))
        XCTAssertTrue(EmbeddedBrowserRules.isFinalPage("https://VPN.example.com:443/+CSCOE+/saml_ac_login.html", finalURL: final))
        XCTAssertTrue(EmbeddedBrowserRules.isFinalPage("http://gw/", finalURL: "http://gw"))
        XCTAssertFalse(EmbeddedBrowserRules.isFinalPage("https://vpn.example.com/+CSCOE+/saml_ac_login.html?x=1", finalURL: final))
        XCTAssertFalse(EmbeddedBrowserRules.isFinalPage("https://vpn.example.com:8443/+CSCOE+/saml_ac_login.html", finalURL: final))
        XCTAssertFalse(EmbeddedBrowserRules.isFinalPage("http://vpn.example.com/+CSCOE+/saml_ac_login.html", finalURL: final))
        XCTAssertFalse(EmbeddedBrowserRules.isFinalPage("https://evil.example/+CSCOE+/saml_ac_login.html", finalURL: final))
        XCTAssertFalse(EmbeddedBrowserRules.isFinalPage("about:blank", finalURL: final))
    }

    private func decide(_ cookies: [Cookie], atFinal: Bool, error: String? = "acSamlv2Error") -> EmbeddedBrowserRules.Decision {
        EmbeddedBrowserRules.decide(cookies: cookies, tokenCookie: "acSamlv2Token", errorCookie: error,
                                    atFinalPage: atFinal, finalHost: "vpn.example.com")
    }

    func testTheTokenCountsOnlyAtTheFinalPageAndEmptyCookiesNever() {
        let token = Cookie(name: "acSamlv2Token", value: "T1", domain: "vpn.example.com")
        XCTAssertEqual(decide([token], atFinal: false), .keepGoing)
        XCTAssertEqual(decide([token], atFinal: true), .outcome(.token(Secret("T1"))))
        XCTAssertEqual(decide([Cookie(name: "acSamlv2Token", value: "", domain: "vpn.example.com")], atFinal: true), .keepGoing)
        XCTAssertEqual(decide([Cookie(name: "ACSAMLV2TOKEN", value: "x", domain: "vpn.example.com")], atFinal: true), .keepGoing,
                       "names compare exactly, as openconnect's strcmp")
    }

    func testTheFinalHostsCookieIsPreferred() {
        let cookies = [Cookie(name: "acSamlv2Token", value: "idp", domain: "idp.example.net"),
                       Cookie(name: "acSamlv2Token", value: "gw", domain: ".example.com")]
        XCTAssertEqual(decide(cookies, atFinal: true), .outcome(.token(Secret("gw"))))
    }

    func testTheErrorCookieEndsTheLoginOnAnyPage() {
        let error = Cookie(name: "acSamlv2Error", value: "User%20not%20allowed", domain: "vpn.example.com")
        XCTAssertEqual(decide([error], atFinal: false), .outcome(.gatewayError("User not allowed")))
        XCTAssertEqual(decide([error], atFinal: false, error: nil), .keepGoing, "no error cookie named by the gateway")
    }

    func testABrokenTokenIsRefusedWithoutShowingIt() {
        let control = decide([Cookie(name: "acSamlv2Token", value: "ab\u{01}cd", domain: "vpn.example.com")], atFinal: true)
        guard case .badToken(let why) = control else { return XCTFail("\(control)") }
        XCTAssertFalse(why.contains("ab"))
        let long = decide([Cookie(name: "acSamlv2Token", value: String(repeating: "a", count: 20000), domain: "")], atFinal: true)
        guard case .badToken = long else { return XCTFail("\(long)") }
    }

    func testErrorTextIsPrintableAndBounded() {
        XCTAssertEqual(EmbeddedBrowserRules.errorText("a\u{1b}[2J\r\nb\u{202e}c\u{0}", cookieName: "e"), "a[2J bc")
        XCTAssertEqual(EmbeddedBrowserRules.errorText("%0A%07", cookieName: "acSamlv2Error"),
                       "the gateway set its error cookie acSamlv2Error without readable text")
        XCTAssertEqual(EmbeddedBrowserRules.errorText("100%", cookieName: "e"), "100%", "not percent-encoded: kept")
        let long = EmbeddedBrowserRules.errorText(String(repeating: "x", count: 1000), cookieName: "e")
        XCTAssertEqual(long.count, EmbeddedBrowserRules.errorTextLimit + 1)
    }
}
