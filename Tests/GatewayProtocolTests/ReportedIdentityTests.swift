import GatewayProtocol
import XCTest

/// `--version-string`, `--os`, `--local-hostname` on the wire (issue 10, item 9), as openconnect places them:
/// `<version who="vpn">` and `<device-id>` in every config-auth (auth.c `xmlpost_initial_req`),
/// `X-AnyConnect-Platform` beside X-Aggregate-Auth (cstp.c `cstp_common_headers`), X-CSTP-Hostname on CONNECT.
final class ReportedIdentityTests: XCTestCase {
    private let url = GatewayURL(host: "asa.example.com")

    private func initBody(_ identity: ReportedIdentity) -> (String, HTTPRequest) {
        let builder = AuthRequestBuilder(configuration: AuthConfiguration(url: url, identity: identity))
        let request = builder.initRequest(url: url, groupSelect: nil, cookies: CookieJar())
        return (String(decoding: request.body, as: UTF8.self), request)
    }

    func testDefaults() {
        let identity = ReportedIdentity()
        XCTAssertEqual(identity.version, "5.1.6.103")
        XCTAssertEqual(identity.os, .linux64)
        XCTAssertEqual(identity.hostname, "localhost")
        XCTAssertEqual(AuthConfiguration(url: url).identity, identity)
        let (body, request) = initBody(identity)
        XCTAssertTrue(body.contains(#"<version who="vpn">5.1.6.103</version>"#), body)
        XCTAssertTrue(body.contains(#"<device-id computer-name="localhost">linux-64</device-id>"#), body)
        XCTAssertFalse(body.contains("v0.1.0"), "Swiftgate's own version is not the one DAP sees")
        XCTAssertEqual(request.headers["X-AnyConnect-Platform"], "linux-64")
        XCTAssertEqual(request.headers["User-Agent"], AuthConfiguration.defaultUserAgent)
    }

    func testEveryOSInTheInitXMLAndHeaders() {
        for os in ReportedOS.allCases {
            let identity = ReportedIdentity(version: "4.10.07061", os: os, hostname: "ann-laptop")
            let (body, request) = initBody(identity)
            XCTAssertTrue(body.contains("<version who=\"vpn\">4.10.07061</version>"), body)
            XCTAssertTrue(body.contains("<device-id computer-name=\"ann-laptop\">\(os.rawValue)</device-id>"), body)
            XCTAssertEqual(request.headers["X-AnyConnect-Platform"], os.rawValue)
            // Like openconnect, the platform does not change the User-Agent (--useragent does).
            XCTAssertEqual(request.headers["User-Agent"], AuthConfiguration.defaultUserAgent)

            let builder = AuthRequestBuilder(configuration: AuthConfiguration(url: url, identity: identity))
            let form = AuthForm(authID: "main", fields: [FormField(kind: .text, name: "username", label: "User")])
            let reply = builder.replyRequest(form: form, url: url, answers: [("username", "ann")], groupSelect: nil,
                                             cookies: CookieJar())
            let replyBody = String(decoding: reply.body, as: UTF8.self)
            XCTAssertTrue(replyBody.contains("<device-id computer-name=\"ann-laptop\">\(os.rawValue)</device-id>"))
            XCTAssertEqual(reply.headers["X-AnyConnect-Platform"], os.rawValue)
            let legacy = builder.legacyPost(url: url, answers: [("username", "ann")], cookies: CookieJar())
            XCTAssertNil(legacy.headers["X-AnyConnect-Platform"], "only with X-Aggregate-Auth, as openconnect")

            let connect = ConnectRequestBuilder(url: url, userAgent: AuthConfiguration.defaultUserAgent,
                                                hostname: identity.hostname, baseMTU: 1406, mtu: 1300, dtlsMasterSecret: nil)
                .request(cookie: Secret("c"))
            XCTAssertEqual(connect.headers["X-CSTP-Hostname"], "ann-laptop")
        }
    }

    func testOSNamesAreOpenconnects() throws {
        XCTAssertEqual(ReportedOS.allCases.map(\.rawValue), ["linux-64", "linux", "win", "mac-intel", "android", "apple-ios"])
        XCTAssertEqual(try ReportedOS(parsing: " Mac-Intel "), .macIntel)
        XCTAssertThrowsError(try ReportedOS(parsing: "windows")) {
            XCTAssertTrue("\($0)".contains("linux-64, linux, win, mac-intel, android, apple-ios"), "\($0)")
        }
    }

    func testValuesAreBoundedAndCannotBreakTheXMLOrTheHeaders() {
        XCTAssertEqual(try ReportedIdentity.validVersion(" 4.10.07061 "), "4.10.07061")
        XCTAssertEqual(try ReportedIdentity.validVersion("v9.12-188-g1dd4ab1"), "v9.12-188-g1dd4ab1")
        for bad in ["", "5.1</version><x>", "5.1\r\nX-Evil: 1", "5.1 beta", String(repeating: "9", count: 65), "5.1\u{0}"] {
            XCTAssertThrowsError(try ReportedIdentity.validVersion(bad), bad)
        }
        XCTAssertEqual(try ReportedIdentity.validHostname("ann-laptop.corp.example"), "ann-laptop.corp.example")
        XCTAssertEqual(try ReportedIdentity.validHostname("DESKTOP_7Q"), "DESKTOP_7Q")
        for bad in ["", "a b", "host\r\nX-Evil: 1", "\"quoted\"", "höst", String(repeating: "a", count: 254)] {
            XCTAssertThrowsError(try ReportedIdentity.validHostname(bad), bad)
        }
        XCTAssertEqual(ReportedIdentity.usableHostname("vm-7"), "vm-7")
        XCTAssertEqual(ReportedIdentity.usableHostname("bad name\n"), "localhost")
        XCTAssertEqual(ReportedIdentity.usableHostname(nil), "localhost")
    }
}
