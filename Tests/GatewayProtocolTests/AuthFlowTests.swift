import GatewayProtocol
import XCTest

/// The aggregate-auth conversation driven with canned gateway replies (shapes from traces/psk-group-select.txt).
final class AuthFlowTests: XCTestCase {
    private let url = GatewayURL(host: "198.18.0.1", port: 4443)

    private func ok(_ fixture: String, headers: [(String, String)] = []) throws -> HTTPResponse {
        HTTPResponse(status: 200, reason: "OK", headers: HTTPHeaders([("Content-Type", "text/xml")] + headers),
                     body: try Fixture.bytes(fixture))
    }

    private func body(_ action: AuthAction) -> String {
        guard case .send(let request) = action else { return "" }
        return String(decoding: request.body, as: UTF8.self)
    }

    func testOcservFlowWithGroupChosenByLabelRepostsInitThenAsksUsernameAndPassword() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url, group: "Sales Team"))
        let first = flow.start()
        guard case .send(let initRequest) = first else { return XCTFail() }
        XCTAssertEqual(initRequest.method, "POST")
        XCTAssertEqual(initRequest.path, "/")
        XCTAssertEqual(initRequest.headers["Host"], "198.18.0.1:4443")
        XCTAssertEqual(initRequest.headers["X-Aggregate-Auth"], "1")
        XCTAssertEqual(initRequest.headers["X-Transcend-Version"], "1")
        XCTAssertTrue(initRequest.headers["User-Agent"]!.contains("AnyConnect"))
        XCTAssertNil(initRequest.headers["X-Support-HTTP-Auth"], "would switch ocserv to SPNEGO")
        XCTAssertEqual((initRequest.body.count + initRequest.headers["X-Pad"]!.count) % 64, 0)
        XCTAssertTrue(body(first).contains(#"<config-auth client="vpn" type="init" aggregate-auth-version="2">"#))
        XCTAssertTrue(body(first).contains("<group-access>https://198.18.0.1:4443/</group-access>"))

        // The default (first) is Engineering; Sales was asked for by its label: a new init with group-select.
        let repost = try flow.receive(try ok("ocserv-group-form.xml", headers: [("Set-Cookie", "webvpncontext=; expires=Thu, 01 Jan 1970 22:00:00 GMT")]))
        XCTAssertTrue(body(repost).contains("<group-select>Sales</group-select>"))
        XCTAssertTrue(body(repost).contains("<group-access>https://198.18.0.1:4443/auth</group-access>"))

        let settled = try flow.receive(try ok("ocserv-group-form-after-select.xml"))
        XCTAssertEqual(settled, .groupSettled(offered: [FormOption(value: "Sales", label: "Sales Team"),
                                                        FormOption(value: "Engineering", label: "Engineering")],
                                              chosen: FormOption(value: "Sales", label: "Sales Team"), reposts: 1))
        guard case .fillForm(let usernameForm) = try flow.next() else { return XCTFail() }
        XCTAssertEqual(usernameForm.questions.map(\.name), ["username"])

        let reply = try flow.submit(["username": Secret("alice")])
        guard case .send(let replyRequest) = reply else { return XCTFail() }
        XCTAssertEqual(replyRequest.path, "/auth")
        XCTAssertTrue(body(reply).contains(#"type="auth-reply""#))
        XCTAssertTrue(body(reply).contains("<auth><username>alice</username></auth><group-select>Sales</group-select>"))

        let contextCookie = ("Set-Cookie", "webvpncontext=CTX; Max-Age=300; Secure; HttpOnly")
        guard case .fillForm(let passwordForm) = try flow.receive(try ok("ocserv-password-form.xml", headers: [contextCookie]))
        else { return XCTFail() }
        XCTAssertEqual(passwordForm.questions.map(\.kind), [.password])

        let passwordReply = try flow.submit(["password": Secret("s3cr&t<")])
        guard case .send(let passwordRequest) = passwordReply else { return XCTFail() }
        XCTAssertEqual(passwordRequest.headers["Cookie"], "webvpncontext=CTX")
        XCTAssertTrue(body(passwordReply).contains("<password>s3cr&amp;t&lt;</password>"), "escaped")

        let success = try flow.receive(try ok("ocserv-success.xml", headers: [
            ("Set-Cookie", "webvpn=THECOOKIE; Secure; HttpOnly"),
            ("Set-Cookie", "webvpnc=bu:/&p:t; path=/; Secure; HttpOnly"),
        ]))
        guard case .authenticated(let result) = success else { return XCTFail("got \(success)") }
        XCTAssertEqual(result.cookie.reveal(), "THECOOKIE")
        XCTAssertEqual(result.group?.value, "Sales")
        XCTAssertEqual(result.groupsOffered.count, 2)
        XCTAssertFalse(result.usedLegacyFlow)
    }

    func testDefaultGroupNeedsNoRepost() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url, group: "Engineering"))
        _ = flow.start()
        guard case .groupSettled(_, let chosen, let reposts) = try flow.receive(try ok("ocserv-group-form.xml")) else {
            return XCTFail()
        }
        XCTAssertEqual(chosen?.value, "Engineering")
        XCTAssertEqual(reposts, 0)
    }

    func testWithoutGroupTheFrontEndIsAsked() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url))
        _ = flow.start()
        guard case .chooseGroup(let choice) = try flow.receive(try ok("ocserv-group-form.xml")) else { return XCTFail() }
        XCTAssertEqual(choice.defaultOption?.value, "Engineering")
        XCTAssertEqual(choice.label, "Group:")
        XCTAssertEqual(choice.match("sales team")?.value, "Sales", "a label matches ignoring case")
        let next = try flow.chooseGroup(FormOption(value: "Sales", label: "Sales Team"))
        XCTAssertTrue(body(next).contains("<group-select>Sales</group-select>"))
    }

    func testUnknownGroupListsWhatIsOffered() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url, group: "Marketing"))
        _ = flow.start()
        XCTAssertThrowsError(try flow.receive(try ok("ocserv-group-form.xml"))) { error in
            guard case .unknownGroup("Marketing", let offered) = error as? AuthFlowError else { return XCTFail("\(error)") }
            XCTAssertEqual(offered.map(\.value), ["Engineering", "Sales"])
            XCTAssertTrue("\(error)".contains("'Sales' (Sales Team)"))
        }
    }

    func testGatewayThatNeverAcceptsTheGroupStopsAfterFiveReposts() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url, group: "Sales"))
        _ = flow.start()
        for _ in 0..<5 { _ = try flow.receive(try ok("ocserv-group-form.xml")) }
        XCTAssertThrowsError(try flow.receive(try ok("ocserv-group-form.xml"))) { error in
            XCTAssertEqual(error as? AuthFlowError, .groupRepostLoop("Sales"))
        }
    }

    func testUnauthorizedIsARefusalWithTheServersWords() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url, group: "Engineering"))
        _ = flow.start()
        _ = try flow.receive(try ok("ocserv-group-form.xml"))
        _ = try flow.next()
        _ = try flow.submit(["username": Secret("bob")])
        XCTAssertThrowsError(try flow.receive(HTTPResponse(status: 401, reason: "Authentication failed"))) { error in
            XCTAssertEqual(error as? AuthFlowError, .refused("HTTP 401 Authentication failed"))
        }
    }

    func testErrorWithNoInputsEndsTheLogin() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url))
        _ = flow.start()
        let xml = #"<config-auth client="vpn" type="auth-request"><auth id="main"><error id="3" param1="bob">Account %s is locked</error></auth></config-auth>"#
        XCTAssertThrowsError(try flow.receive(HTTPResponse(status: 200, reason: "OK", body: Array(xml.utf8)))) { error in
            XCTAssertEqual(error as? AuthFlowError, .refused("Account bob is locked"))
        }
    }

    func testASAFormEchoesOpaqueAndSendsHiddenFieldAndRenames() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: GatewayURL(host: "vpn.example.com", path: "/corp")))
        guard case .send(let request) = flow.start() else { return XCTFail() }
        XCTAssertEqual(request.path, "/corp")
        XCTAssertEqual(request.headers["Host"], "vpn.example.com", "no :443")
        guard case .chooseGroup(let choice) = try flow.receive(try ok("asa-login-form.xml")) else { return XCTFail() }
        XCTAssertEqual(choice.defaultOption?.value, "contractors")
        guard case .groupSettled = try flow.chooseGroup(choice.defaultOption!) else { return XCTFail("default: no repost") }
        guard case .fillForm(let form) = try flow.next() else { return XCTFail() }
        XCTAssertEqual(form.error, "Login failed for user@corp")
        let reply = try flow.submit(["username": Secret("u"), "password": Secret("p")])
        guard case .send(let post) = reply else { return XCTFail() }
        XCTAssertEqual(post.path, "/corp", "no action: the current URL")
        let text = body(reply)
        XCTAssertTrue(text.contains(form.opaque!), "opaque echoed byte for byte")
        XCTAssertTrue(text.contains("<auth><username>u</username><password>p</password><token>a b&amp;c</token></auth>"))
        XCTAssertTrue(text.contains("<group-select>contractors</group-select>"))
    }

    func testASASuccessTakesTheSessionTokenAsCookie() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url))
        _ = flow.start()
        guard case .authenticated(let result) = try flow.receive(try ok("asa-success.xml")) else { return XCTFail() }
        XCTAssertEqual(result.cookie.reveal(), "3F2A9C@32768@1A2B@C0FFEE")
        XCTAssertEqual(result.serverCertHash, "0B2A8CF78C556BBBDD6006412ADA41E1CF814772")
        XCTAssertEqual(result.corePackages.count, 1)
    }

    func testSuccessWithoutCookieIsAnError() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url))
        _ = flow.start()
        XCTAssertThrowsError(try flow.receive(try ok("ocserv-success.xml"))) { error in
            XCTAssertEqual(error as? AuthFlowError, .noCookie)
        }
    }

    func testLegacyFallbackOnNotFoundThenUrlencodedPost() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url, group: "Sales"))
        _ = flow.start()
        let get = try flow.receive(HTTPResponse(status: 404, reason: "Not Found"))
        guard case .send(let getRequest) = get else { return XCTFail() }
        XCTAssertEqual(getRequest.method, "GET")
        XCTAssertNil(getRequest.headers["X-Aggregate-Auth"])
        guard case .groupSettled(_, let chosen, 0) = try flow.receive(try ok("legacy-form.xml")) else { return XCTFail() }
        XCTAssertEqual(chosen?.value, "Sales")
        guard case .fillForm = try flow.next() else { return XCTFail() }
        let post = try flow.submit(["username": Secret("alice"), "password": Secret("a b&c")])
        guard case .send(let request) = post else { return XCTFail() }
        XCTAssertEqual(request.headers["Content-Type"], "application/x-www-form-urlencoded")
        XCTAssertEqual(body(post), "username=alice&password=a+b%26c&group_list=Sales")
        guard case .authenticated(let result) = try flow.receive(try ok("legacy-success.xml", headers: [("Set-Cookie", "webvpn=LEGACY")]))
        else { return XCTFail() }
        XCTAssertTrue(result.usedLegacyFlow)
        XCTAssertEqual(result.cookie.reveal(), "LEGACY")
    }

    func testLegacyFallbackWhenInitReplyIsNotXML() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url))
        _ = flow.start()
        let next = try flow.receive(HTTPResponse(status: 200, reason: "OK", body: Array("<html>login</html>".utf8)))
        guard case .send(let request) = next else { return XCTFail() }
        XCTAssertEqual(request.method, "GET")
        XCTAssertTrue(flow.legacy)
    }

    func testMalformedXMLAfterInitIsAProtocolError() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url, group: "Engineering"))
        _ = flow.start()
        _ = try flow.receive(try ok("ocserv-group-form.xml"))
        _ = try flow.next()
        _ = try flow.submit(["username": Secret("alice")])
        XCTAssertThrowsError(try flow.receive(HTTPResponse(status: 200, reason: "OK", body: Array("<config-auth><auth".utf8)))) { error in
            guard case .badDocument(.markup(.malformed)) = error as? AuthFlowError else { return XCTFail("\(error)") }
        }
    }

    func testSameHostRedirectIsFollowedAndPlainHTTPRefused() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url))
        _ = flow.start()
        let redirected = try flow.receive(HTTPResponse(status: 302, reason: "Found", headers: HTTPHeaders([("Location", "/+webvpn+/index.html")])))
        guard case .send(let request) = redirected else { return XCTFail() }
        XCTAssertEqual(request.path, "/+webvpn+/index.html")
        XCTAssertThrowsError(try flow.receive(HTTPResponse(status: 302, reason: "Found", headers: HTTPHeaders([("Location", "http://evil.example/")])))) { error in
            XCTAssertEqual(error as? AuthFlowError, .unsupportedRedirect("http://evil.example/"))
        }
    }

    func testMissingAnswerIsReportedByFieldName() throws {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url, group: "Engineering"))
        _ = flow.start()
        _ = try flow.receive(try ok("ocserv-group-form.xml"))
        _ = try flow.next()
        XCTAssertThrowsError(try flow.submit([:])) { XCTAssertEqual($0 as? AuthFlowError, .missingAnswer(field: "username")) }
    }

    func testOutOfOrderCallsAreErrorsNotTraps() {
        var flow = AuthFlow(configuration: AuthConfiguration(url: url))
        XCTAssertThrowsError(try flow.submit([:]))
        XCTAssertThrowsError(try flow.receive(HTTPResponse(status: 200, reason: "OK")))
    }
}
