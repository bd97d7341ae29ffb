import GatewayProtocol
import XCTest

final class AuthDocumentParserTests: XCTestCase {
    func testOcservGroupFormFromTrace() throws {
        guard case .form(let form) = try AuthDocumentParser.parse(try Fixture.bytes("ocserv-group-form.xml")) else {
            return XCTFail("expected a form")
        }
        XCTAssertEqual(form.authID, "main")
        XCTAssertEqual(form.message, "Please enter your username.")
        XCTAssertEqual(form.action, "/auth")
        XCTAssertEqual(form.method, "POST")
        XCTAssertEqual(form.questions.map(\.name), ["username"])
        XCTAssertEqual(form.groupList?.label, "Group:")
        XCTAssertEqual(form.groupList?.options, [
            FormOption(value: "Engineering", label: "Engineering"),
            FormOption(value: "Sales", label: "Sales Team"),
        ])
        XCTAssertEqual(form.groupList?.defaultOption?.value, "Engineering", "no selected option: the first is the default")
        XCTAssertNil(form.opaque)
        XCTAssertFalse(form.isLegacy)
    }

    func testOcservPasswordForm() throws {
        guard case .form(let form) = try AuthDocumentParser.parse(try Fixture.bytes("ocserv-password-form.xml")) else {
            return XCTFail("expected a form")
        }
        XCTAssertEqual(form.message, "Please enter your password.")
        XCTAssertEqual(form.questions, [FormField(kind: .password, name: "password", label: "Password:")])
        XCTAssertNil(form.groupList)
    }

    func testOcservSuccessWithProfileManifest() throws {
        guard case .success(let success) = try AuthDocumentParser.parse(try Fixture.bytes("ocserv-success-with-profile.xml")) else {
            return XCTFail("expected success")
        }
        XCTAssertEqual(success.title, "SSL VPN Service")
        XCTAssertNil(success.sessionToken)
        XCTAssertEqual(success.profiles, [ManifestFile(type: "profile", serviceType: "user",
                                                       uri: "/profiles//etc/ocserv/profile.xml", hashAlgorithm: "sha1",
                                                       hash: "68E90DCCBB44DF15D68586FC06FB082BBDF5CF7D")])
        XCTAssertTrue(success.corePackages.isEmpty)
    }

    func testASAFormWithOpaqueSelectedOptionAndNoMethodOrAction() throws {
        let raw = try Fixture.bytes("asa-login-form.xml")
        guard case .form(let form) = try AuthDocumentParser.parse(raw) else { return XCTFail("expected a form") }
        XCTAssertNil(form.action, "no action: the current URL")
        XCTAssertEqual(form.method, "POST", "no method means POST")
        XCTAssertEqual(form.title, "Login")
        XCTAssertEqual(form.banner, "Authorized use only & monitored")
        XCTAssertEqual(form.error, "Login failed for user@corp", "%s filled from param1")
        XCTAssertEqual(form.fields.map(\.name), ["username", "password", "token", "group_list"], "submit is ignored")
        XCTAssertEqual(form.fields[2], FormField(kind: .hidden, name: "token", label: "token:", value: "a b&c"))
        XCTAssertEqual(form.groupList?.options, [
            FormOption(value: "corp", label: "Corporate"),
            FormOption(value: "contractors", label: "contractors", selected: true),
        ], "an option without value takes its text")
        XCTAssertEqual(form.groupList?.defaultOption?.value, "contractors")
        let opaque = try XCTUnwrap(form.opaque)
        XCTAssertTrue(opaque.hasPrefix("<opaque is-for=\"sg\">\n<tunnel-group>Corp_VPN</tunnel-group>"))
        XCTAssertTrue(opaque.hasSuffix("<auth-method>single-sign-on-v2</auth-method>\n</opaque>"))
        XCTAssertTrue(String(decoding: raw, as: UTF8.self).contains(opaque), "byte for byte as received")
    }

    func testASASuccessCarriesTokenHashAndManifests() throws {
        guard case .success(let success) = try AuthDocumentParser.parse(try Fixture.bytes("asa-success.xml")) else {
            return XCTFail("expected success")
        }
        XCTAssertEqual(success.sessionToken?.reveal(), "3F2A9C@32768@1A2B@C0FFEE")
        XCTAssertEqual(success.sessionID, "32768")
        XCTAssertEqual(success.serverCertHash, "0B2A8CF78C556BBBDD6006412ADA41E1CF814772")
        XCTAssertEqual(success.banner, "Welcome to Corp")
        XCTAssertEqual(success.profiles.map(\.uri), ["/CACHE/stc/profiles/corp.xml"])
        XCTAssertEqual(success.corePackages.map(\.uri), ["binaries/anyconnect-linux64.sh"])
        XCTAssertEqual(success.corePackages.first?.type, "linux-64")
    }

    func testLegacyForm() throws {
        guard case .form(let form) = try AuthDocumentParser.parse(try Fixture.bytes("legacy-form.xml")) else {
            return XCTFail("expected a form")
        }
        XCTAssertTrue(form.isLegacy)
        XCTAssertEqual(form.action, "/auth")
        XCTAssertEqual(form.questions.map(\.name), ["username", "password"])
        XCTAssertEqual(form.groupList?.options.map(\.value), ["Engineering", "Sales"])
        guard case .success = try AuthDocumentParser.parse(try Fixture.bytes("legacy-success.xml")) else {
            return XCTFail("expected legacy success")
        }
    }

    func testFormMethodOtherThanPostIsRefused() {
        let xml = #"<config-auth type="auth-request"><auth id="main"><form method="get" action="/x"><input type="text" name="u"/></form></auth></config-auth>"#
        XCTAssertThrowsError(try AuthDocumentParser.parse(Array(xml.utf8))) { error in
            XCTAssertEqual(error as? AuthDocumentError, .unsupportedMethod("GET"))
        }
    }

    func testEmptyActionIsRefused() {
        let xml = #"<config-auth type="auth-request"><auth id="main"><form action=""><input type="text" name="u"/></form></auth></config-auth>"#
        XCTAssertThrowsError(try AuthDocumentParser.parse(Array(xml.utf8))) { error in
            XCTAssertEqual(error as? AuthDocumentError, .emptyAction)
        }
    }

    func testOtherRootIsNotAnAuthDocument() {
        XCTAssertThrowsError(try AuthDocumentParser.parse(Array("<html><body>hi</body></html>".utf8))) { error in
            XCTAssertEqual(error as? AuthDocumentError, .notAuthDocument(root: "html"))
        }
    }

    func testLabelDefaultsToNameWithColon() throws {
        let xml = #"<config-auth type="auth-request"><auth id="challenge"><form><input type="password" name="answer"/></form></auth></config-auth>"#
        guard case .form(let form) = try AuthDocumentParser.parse(Array(xml.utf8)) else { return XCTFail() }
        XCTAssertEqual(form.authID, "challenge")
        XCTAssertEqual(form.questions.first?.label, "answer:")
    }
}
