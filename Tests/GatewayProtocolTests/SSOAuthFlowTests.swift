import GatewayProtocol
import XCTest

/// Single sign-on v2 in the aggregate-auth flow (issue 11): what is advertised, what is parsed, what goes back.
final class SSOAuthFlowTests: XCTestCase {
    private let url = GatewayURL(host: "vpn.example.com", path: "/saml")

    private func body(_ action: AuthAction) -> String {
        guard case .send(let request) = action else { return "" }
        return String(decoding: request.body, as: UTF8.self)
    }

    func testInitAdvertisesTheSSOMethodsSendsTheGroupAndTheSTRAPKeys() throws {
        var configuration = AuthConfiguration(url: url, group: "SAML_VPN")
        configuration.groupIsKnownValue = true
        configuration.authMethods = ["single-sign-on-v2", "single-sign-on-external-browser"]
        configuration.strapPublicKey = "PUB"
        configuration.strapDHPublicKey = "DH"
        var flow = AuthFlow(configuration: configuration)
        let first = flow.start()
        let xml = body(first)
        XCTAssertTrue(xml.contains("<capabilities><auth-method>single-sign-on-v2</auth-method>"
                                   + "<auth-method>single-sign-on-external-browser</auth-method></capabilities>"), xml)
        XCTAssertTrue(xml.contains("<group-select>SAML_VPN</group-select>"), "the group's SAML URL comes back: \(xml)")
        guard case .send(let request) = first else { return XCTFail() }
        XCTAssertEqual(request.headers["X-AnyConnect-STRAP-Pubkey"], "PUB")
        XCTAssertEqual(request.headers["X-AnyConnect-STRAP-DH-Pubkey"], "DH")

        var typed = AuthFlow(configuration: AuthConfiguration(url: url, group: "Engineering & Ops (EU)"))
        XCTAssertFalse(body(typed.start()).contains("group-select"), "a label or unknown name waits for the form")
    }

    func testTheSSOFormIsParsedAndTheTokenGoesBackInTheSSOField() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url, group: "SAML_VPN"))
        _ = flow.start()
        let reply = HTTPResponse(status: 200, reason: "OK", body: try Fixture.bytes("asa-sso-form.xml"))
        guard case .groupSettled = try flow.receive(reply) else { return XCTFail() }
        guard case .fillForm(let form) = try flow.next() else { return XCTFail() }
        let sso = try XCTUnwrap(form.sso)
        XCTAssertEqual(sso.loginURL, "https://vpn.example.com/+CSCOE+/saml/sp/login?tgname=SAML_VPN&acsamlcap=v2")
        XCTAssertEqual(sso.finalURL, "https://vpn.example.com/+CSCOE+/saml_ac_login.html")
        XCTAssertEqual(sso.logoutURL, "https://vpn.example.com/+CSCOE+/saml/sp/logout")
        XCTAssertTrue(sso.externalBrowser)
        XCTAssertEqual(sso.tokenCookieName, "acSamlv2Token")
        XCTAssertEqual(sso.errorCookieName, "acSamlv2Error")
        XCTAssertEqual(form.ssoField?.name, "sso-token")
        let sent = try flow.submit(["sso-token": Secret("TOKEN&<1>")])
        XCTAssertTrue(body(sent).contains("<auth><sso-token>TOKEN&amp;&lt;1&gt;</sso-token></auth>"), body(sent))
        XCTAssertTrue(body(sent).contains("<opaque is-for=\"sg\">"), "the opaque block is echoed")
    }

    func testHostileSSOValuesAreRefusedRatherThanShownOrOpened() throws {
        func parse(login: String, final: String = "https://vpn.example.com/final", cookie: String = "acSamlv2Token")
            throws -> SSOLogin? {
            let xml = """
                <config-auth client="vpn" type="auth-request"><auth id="main"><sso-v2-login>\(login)</sso-v2-login>\
                <sso-v2-login-final>\(final)</sso-v2-login-final><sso-v2-token-cookie-name>\(cookie)</sso-v2-token-cookie-name>\
                <form><input type="sso" name="sso-token"/></form></auth></config-auth>
                """
            guard case .form(let form) = try AuthDocumentParser.parse(Array(xml.utf8)) else { return nil }
            return form.sso
        }
        XCTAssertNil(try parse(login: "javascript:alert(1)"))
        XCTAssertNil(try parse(login: "http://evil.example/login"), "no plain http to a remote host")
        XCTAssertNil(try parse(login: "https://vpn.example.com/a&#10;b"), "no control characters")
        XCTAssertNil(try parse(login: "https://vpn.example.com/" + String(repeating: "a", count: 9000)))
        XCTAssertNil(try parse(login: "https://vpn.example.com/", final: "file:///etc/passwd"))
        XCTAssertEqual(try parse(login: "https://vpn.example.com/", cookie: "bad;name")?.tokenCookieName, "acSamlv2Token",
                       "an unusable cookie name falls back to the ASA's")
        XCTAssertNotNil(try parse(login: "https://vpn.example.com/ok"))
    }
}
