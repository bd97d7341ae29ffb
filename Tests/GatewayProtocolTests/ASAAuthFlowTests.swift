import GatewayProtocol
import XCTest

/// The login behaviours of Cisco ASAs that ocserv never shows (issue 10), with documents shaped like theirs.
final class ASAAuthFlowTests: XCTestCase {
    private let url = GatewayURL(host: "vpn.example.com", port: 443, path: "/corp")

    private func ok(_ fixture: String, headers: [(String, String)] = []) throws -> HTTPResponse {
        HTTPResponse(status: 200, reason: "OK", headers: HTTPHeaders([("Content-Type", "text/xml")] + headers),
                     body: try Fixture.bytes(fixture))
    }

    private func body(_ action: AuthAction) -> String {
        guard case .send(let request) = action else { return "" }
        return String(decoding: request.body, as: UTF8.self)
    }

    /// Logs in through the ASA's single form (group list, username and password together).
    private func loggedInFlow(group: String? = nil) throws -> (AuthFlow, AuthAction) {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url, group: group))
        _ = flow.start()
        let first = try flow.receive(try ok("asa-login-form.xml"))
        if case .chooseGroup(let choice) = first { _ = try flow.chooseGroup(choice.defaultOption!) }
        guard case .fillForm = try flow.next() else { throw XCTSkip("no form") }
        let sent = try flow.submit(["username": Secret("ann"), "password": Secret("pw")])
        return (flow, sent)
    }

    // 1. HostScan/DAP refusal: the gateway's words, no blind resubmission.
    func testErrorBesideAGroupListOnlyFormIsARefusalWithTheGatewaysWords() throws {
        var (flow, _) = try loggedInFlow(group: "contractors")
        XCTAssertThrowsError(try flow.receive(try ok("asa-hostscan-refused.xml"))) { error in
            XCTAssertEqual(error as? AuthFlowError,
                           .refused("Unable to complete connection: Cisco Secure Desktop not installed on the client"))
        }
        XCTAssertThrowsError(try flow.submit([:]), "the flow is over: nothing can be resubmitted")
    }

    func testTheSameRefusalAtInitIsAlsoFinal() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url))
        _ = flow.start()
        XCTAssertThrowsError(try flow.receive(try ok("asa-hostscan-refused.xml"))) { error in
            guard case .refused(let text) = error as? AuthFlowError else { return XCTFail("\(error)") }
            XCTAssertTrue(text.contains("Cisco Secure Desktop"))
        }
    }

    func testAGroupListAgainAfterTheGroupWasSettledIsNotPostedBlindly() throws {
        var (flow, _) = try loggedInFlow(group: "contractors")
        let bare = """
            <?xml version="1.0" encoding="UTF-8"?><config-auth client="vpn" type="auth-request"><auth id="main">\
            <form><select name="group_list"><option selected="true">contractors</option></select></form></auth></config-auth>
            """
        XCTAssertThrowsError(try flow.receive(HTTPResponse(status: 200, reason: "OK", body: Array(bare.utf8)))) { error in
            guard case .refused = error as? AuthFlowError else { return XCTFail("\(error)") }
        }
    }

    // 2. type="complete" with only an error is not a success.
    func testCompleteCarryingOnlyAnErrorIsARefusalNotASuccessWithoutCookie() throws {
        var (flow, _) = try loggedInFlow(group: "contractors")
        XCTAssertThrowsError(try flow.receive(try ok("asa-complete-error.xml"))) { error in
            XCTAssertEqual(error as? AuthFlowError, .refused("Authentication failed."))
        }
    }

    func testSuccessIsTheSessionTokenOrAuthSuccess() throws {
        var (flow, _) = try loggedInFlow(group: "contractors")
        guard case .authenticated(let result) = try flow.receive(try ok("asa-success.xml")) else { return XCTFail() }
        XCTAssertEqual(result.cookie.reveal(), "3F2A9C@32768@1A2B@C0FFEE")
    }

    // 3. <client-cert-request/>: re-POST init, with <client-cert-fail/> when no certificate is presented.
    func testCertificateRequestWithoutCertificateRepostsInitWithClientCertFailThenShowsTheForm() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url))
        _ = flow.start()
        XCTAssertEqual(try flow.receive(try ok("asa-client-cert-request.xml")), .clientCertificateRequested(attempt: 1))
        let repost = try flow.answerCertificateRequest(presenting: false)
        XCTAssertTrue(body(repost).contains(#"type="init""#))
        XCTAssertTrue(body(repost).contains("<client-cert-fail/>"))
        guard case .chooseGroup = try flow.receive(try ok("asa-login-form.xml")) else { return XCTFail() }
    }

    func testCertificateRequestWithACertificateRepostsPlainInitAndGivesUpAfterThreeRequests() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url))
        _ = flow.start()
        _ = try flow.receive(try ok("asa-client-cert-request.xml"))
        let repost = try flow.answerCertificateRequest(presenting: true)
        XCTAssertFalse(body(repost).contains("client-cert-fail"))
        XCTAssertEqual(try flow.receive(try ok("asa-client-cert-request.xml")), .clientCertificateRequested(attempt: 2))
        _ = try flow.answerCertificateRequest(presenting: false)
        XCTAssertEqual(try flow.receive(try ok("asa-client-cert-request.xml")), .clientCertificateRequested(attempt: 3))
        _ = try flow.answerCertificateRequest(presenting: false)
        XCTAssertThrowsError(try flow.receive(try ok("asa-client-cert-request.xml"))) { error in
            XCTAssertEqual(error as? AuthFlowError, .certificateRequestLoop)
        }
    }

    // 4. A director's redirect to a member on another host: init there, cookies of the director dropped.
    func testRedirectToAnotherHostMovesTheLoginWithAnEmptyCookieJar() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url))
        _ = flow.start()
        let moved = try flow.receive(HTTPResponse(status: 302, reason: "Found", headers: HTTPHeaders([
            ("Location", "https://member2.example.com:8443/corp"), ("Set-Cookie", "director=1; Secure"),
        ])))
        guard case .send(let request) = moved else { return XCTFail("\(moved)") }
        XCTAssertEqual(request.method, "POST", "init is POSTed again on the member, not a legacy GET")
        XCTAssertEqual(request.path, "/corp")
        XCTAssertEqual(request.headers["Host"], "member2.example.com:8443")
        XCTAssertNil(request.headers["Cookie"], "no cookie of the director goes to the member")
        XCTAssertTrue(body(moved).contains("<group-access>https://member2.example.com:8443/corp</group-access>"))
        XCTAssertEqual(flow.gatewayURL, GatewayURL(host: "member2.example.com", port: 8443, path: "/corp"))
        XCTAssertEqual(flow.currentURL.host, "member2.example.com")
    }

    func testFormActionOnAnotherHostMovesTheLogin() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url, group: "contractors"))
        _ = flow.start()
        var form = String(decoding: try Fixture.bytes("asa-login-form.xml"), as: UTF8.self)
        form = form.replacingOccurrences(of: "<form>", with: #"<form method="post" action="https://member.example.com/auth">"#)
        _ = try flow.receive(HTTPResponse(status: 200, reason: "OK", headers: HTTPHeaders([("Set-Cookie", "d=1")]),
                                          body: Array(form.utf8)))
        _ = try flow.next()
        guard case .send(let request) = try flow.submit(["username": Secret("ann"), "password": Secret("pw")]) else {
            return XCTFail()
        }
        XCTAssertEqual(request.headers["Host"], "member.example.com")
        XCTAssertEqual(request.path, "/auth")
        XCTAssertNil(request.headers["Cookie"])
        XCTAssertEqual(flow.gatewayURL.host, "member.example.com")
    }

    func testSameHostRedirectKeepsTheGatewayAndItsCookies() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url, group: "contractors"))
        _ = flow.start()
        _ = try flow.receive(try ok("asa-login-form.xml", headers: [("Set-Cookie", "ctx=1")]))
        _ = try flow.next()
        _ = try flow.submit(["username": Secret("ann"), "password": Secret("pw")])
        guard case .send(let get) = try flow.receive(HTTPResponse(status: 302, reason: "Found", headers: HTTPHeaders([
            ("Location", "https://VPN.example.com./next")]))) else { return XCTFail() }
        XCTAssertEqual(get.headers["Cookie"], "ctx=1")
        XCTAssertEqual(flow.gatewayURL, url)
    }

    // 6. Double authentication.
    func testDoubleAuthenticationSendsAPrefilledNonEditableSecondaryUsernameWithoutAskingIt() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url, group: "dual"))
        _ = flow.start()
        _ = try flow.receive(try ok("asa-double-auth-form.xml"))
        guard case .fillForm(let form) = try flow.next() else { return XCTFail() }
        XCTAssertEqual(form.questions.map(\.name), ["username", "password", "secondary_password"])
        let sent = try flow.submit(["username": Secret("ann"), "password": Secret("pw"),
                                    "secondary_password": Secret("123456")])
        XCTAssertTrue(body(sent).contains("<secondary_username>ann.token</secondary_username>"), body(sent))
        XCTAssertTrue(body(sent).contains("<secondary_password>123456</secondary_password>"))
    }

    func testEditableSecondaryUsernameIsAskedWithItsPreset() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url, group: "dual-edit"))
        _ = flow.start()
        _ = try flow.receive(try ok("asa-double-auth-form.xml"))
        _ = try flow.receive(try ok("asa-double-auth-form.xml").selecting("dual-edit"))
        guard case .fillForm(let form) = try flow.next() else { return XCTFail() }
        let secondary = try XCTUnwrap(form.questions.first { $0.name == "secondary_username" })
        XCTAssertEqual(secondary.value, "ann.edit")
        XCTAssertEqual(form.questions.count, 4)
    }

    func testSecondAuthFieldsAreNotAskedForAGroupWithoutSecondAuthAndNoaaaAsksNothing() throws {
        var single = AuthFlow(configuration: AuthConfiguration(url: url, group: "single"))
        _ = single.start()
        _ = try single.receive(try ok("asa-double-auth-form.xml"))
        _ = try single.receive(try ok("asa-double-auth-form.xml").selecting("single"))
        guard case .fillForm(let form) = try single.next() else { return XCTFail() }
        XCTAssertEqual(form.questions.map(\.name), ["username", "password"])

        var certOnly = AuthFlow(configuration: AuthConfiguration(url: url, group: "certonly"))
        _ = certOnly.start()
        _ = try certOnly.receive(try ok("asa-double-auth-form.xml"))
        _ = try certOnly.receive(try ok("asa-double-auth-form.xml").selecting("certonly"))
        guard case .send(let posted) = try certOnly.next() else { return XCTFail("noaaa: nothing to ask") }
        XCTAssertTrue(String(decoding: posted.body, as: UTF8.self).contains("<username></username>"))
    }

    func testGroupOptionAttributesAreParsed() throws {
        guard case .form(let form) = try AuthDocumentParser.parse(try Fixture.bytes("asa-double-auth-form.xml")) else {
            return XCTFail()
        }
        let options = try XCTUnwrap(form.groupList).options
        XCTAssertEqual(options[0], FormOption(value: "dual", label: "Dual", selected: true, secondAuth: true,
                                              secondaryUsername: "ann.token", secondaryUsernameEditable: false))
        XCTAssertTrue(options[1].secondaryUsernameEditable)
        XCTAssertTrue(options[3].noAAA)
        XCTAssertEqual(form.fields.filter(\.secondAuth).map(\.name), ["secondary_username", "secondary_password"])
    }

    // 7. Module profiles beside the VPN profile.
    func testManifestKeepsEveryProfileWithItsServiceType() throws {
        guard case .success(let success) = try AuthDocumentParser.parse(try Fixture.bytes("asa-success-modules.xml")) else {
            return XCTFail()
        }
        XCTAssertEqual(success.profiles.map(\.serviceType), ["nam", "user", "websecurity"])
        XCTAssertEqual(ManifestFile.vpnProfile(in: success.profiles)?.uri, "/CACHE/stc/profiles/corp.xml")
    }
}

private extension HTTPResponse {
    /// The same form with `value` as the selected group (what an ASA sends after a group-select re-POST).
    func selecting(_ value: String) -> HTTPResponse {
        var text = String(decoding: body, as: UTF8.self).replacingOccurrences(of: #" selected="true""#, with: "")
        text = text.replacingOccurrences(of: #"<option value="\#(value)""#, with: #"<option value="\#(value)" selected="true""#)
        return HTTPResponse(status: status, reason: reason, headers: headers, body: Array(text.utf8))
    }
}
