import Foundation
import XCTest

/// The ASA front's SSO scenarios (scripts/lab/asa_front.py, docs/lab.md "SSO scenarios") checked by clients
/// nobody here wrote: Debian's openconnect 9.01 logs in through the external-browser mode with
/// scripts/lab/curl-browser.sh as its browser and brings the tunnel up through the front; the embedded-mode
/// scenarios, which openconnect cannot do without a GUI webview, are walked with curl (the IdP sets the cookie,
/// the final URL is reached, the token posted back logs in, and openconnect carries the tunnel on that cookie).
final class ASASSOOpenconnectLabTests: LabTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        var missing: [String] = []
        if Self.openconnect == nil { missing.append("openconnect") }
        if !FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") { missing.append("curl") }
        if !FileManager.default.fileExists(atPath: "/usr/lib/python3/dist-packages/cryptography") {
            missing.append("python3-cryptography")
        }
        guard missing.isEmpty else {
            let message = "\(missing.joined(separator: ", ")) missing: run `sudo scripts/lab/lab.sh install`"
            if ProcessInfo.processInfo.environment["SWIFTGATE_LAB"] == "required" { throw LabError(message) }
            throw XCTSkip("SKIPPED LAB TEST: \(message)")
        }
    }

    private static let openconnect: String? = ["/usr/sbin/openconnect", "/usr/bin/openconnect", "/sbin/openconnect"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    private static let browser = LabGateway.repositoryRoot + "/scripts/lab/curl-browser.sh"
    private static let errorText = "SAML assertion rejected: the identity provider denied access to this tunnel group."

    // MARK: helpers

    private func scratch(_ name: String) -> String {
        let dir = NSTemporaryDirectory() + "sso-lab-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir + "/" + name
    }

    /// The environment curl-browser.sh reads (openconnect passes its environment to the browser it spawns).
    private func browserEnvironment(_ lab: LabGateway, jar: String? = nil, hops: String) -> [String] {
        ["env", "CURL_BROWSER_CAFILE=" + lab["CA_FILE"], "CURL_BROWSER_LOG=" + hops]
            + (jar.map { ["CURL_BROWSER_JAR=" + $0] } ?? [])
    }

    private func hops(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The front's request log (ASA_LOG): one JSON object a line; requests carry "method".
    private func requests(_ lab: LabGateway) throws -> [[String: Any]] {
        try String(contentsOfFile: lab["ASA_LOG"], encoding: .utf8).split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }.filter { $0["method"] != nil }
    }

    private func replies(_ lab: LabGateway) throws -> [String] {
        try requests(lab).map { $0["reply"] as? String ?? ($0["method"] as? String ?? "") }
    }

    private func waitFor(_ what: String, timeout: TimeInterval, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while try !condition() {
            if Date() > deadline { throw LabError("no \(what) within \(Int(timeout)) s") }
            usleep(50_000)
        }
    }

    /// One aggregate-auth POST with curl from the client namespace; returns (headers, body).
    private func post(_ lab: LabGateway, _ path: String, _ xml: String, cookie: String? = nil,
                      headers: [String] = []) throws -> (headers: String, body: String) {
        let headerFile = scratch("headers")
        var arguments = ["curl", "-sS", "--max-time", "30", "--cacert", lab["CA_FILE"], "-D", headerFile,
                         "-H", "X-Aggregate-Auth: 1", "-H", "X-Transcend-Version: 1",
                         "-H", "Content-Type: application/xml; charset=utf-8", "--data-binary", "@-"]
        for header in headers { arguments += ["-H", header] }
        if let cookie { arguments += ["-b", cookie] }
        let result = try lab.client(arguments + [lab["ASA_URL"] + path], stdin: xml, timeout: 60)
        XCTAssertEqual(result.exitCode, 0, result.allOutput)
        return ((try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? "", result.stdout)
    }

    private func initRequest(_ lab: LabGateway, _ scenario: String, capabilities: [String]) -> String {
        let methods = capabilities.map { "<auth-method>\($0)</auth-method>" }.joined()
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <config-auth client="vpn" type="init" aggregate-auth-version="2"><version who="vpn">v9.01</version>\
        <device-id>linux-64</device-id><capabilities>\(methods)</capabilities>\
        <group-access>\(lab["ASA_URL"])/\(scenario)</group-access></config-auth>
        """
    }

    private func authReply(token: String, opaque: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <config-auth client="vpn" type="auth-reply" aggregate-auth-version="2"><version who="vpn">v9.01</version>\
        <device-id>linux-64</device-id>\(opaque)<auth><sso-token>\(token)</sso-token></auth>\
        <group-select>Employees</group-select></config-auth>
        """
    }

    private func element(_ name: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<\(name)>"), let close = xml.range(of: "</\(name)>", range: open.upperBound..<xml.endIndex)
        else { return nil }
        return String(xml[open.upperBound..<close.lowerBound]).replacingOccurrences(of: "&amp;", with: "&")
    }

    private func opaqueBlock(_ xml: String) -> String {
        guard let open = xml.range(of: "<opaque is-for=\"sg\">"), let close = xml.range(of: "</opaque>") else { return "" }
        return String(xml[open.lowerBound..<close.upperBound])
    }

    private func setCookie(_ name: String, in headers: String) -> String? {
        for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("set-cookie: \(name.lowercased())=") {
            let value = line.dropFirst("set-cookie: \(name)=".count).split(separator: ";", omittingEmptySubsequences: false)
            return value.first.map(String.init)
        }
        return nil
    }

    /// A cookie's value from curl's Netscape-format jar.
    private func jarCookie(_ name: String, jar: String) -> String? {
        let text = (try? String(contentsOfFile: jar, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            if fields.count == 7 && fields[5] == name { return String(fields[6]) }
        }
        return nil
    }

    /// init, the browser through the IdP (curl-browser.sh, cookie jar kept), as an embedded-browser client
    /// would; returns the init reply, its headers, the jar and the hop log.
    private func embeddedBrowserRun(_ lab: LabGateway, _ scenario: String)
        throws -> (reply: String, headers: String, jar: String, hops: [String], browserExit: Int32) {
        let (headers, reply) = try post(lab, "/" + scenario, initRequest(lab, scenario, capabilities: ["single-sign-on-v2"]))
        let login = try XCTUnwrap(element("sso-v2-login", in: reply), reply)
        let jar = scratch("jar"), hopLog = scratch("hops")
        let run = try lab.client(browserEnvironment(lab, jar: jar, hops: hopLog) + [Self.browser, login], timeout: 60)
        return (reply, headers, jar, hops(hopLog), run.exitCode)
    }

    // MARK: external-browser mode with openconnect 9.01

    func testOpenconnectLogsInThroughTheExternalBrowserAndPrintsACookie() throws {
        let lab = try start(["--asa"])
        let hopLog = scratch("hops")
        let result = try lab.client(browserEnvironment(lab, hops: hopLog) + [
            Self.openconnect!, "--authenticate", "-v", "--cafile", lab["CA_FILE"], "--authgroup", lab["ASA_GROUP"],
            "--external-browser", Self.browser, lab["ASA_URL"] + "/sso-external"], timeout: 90)
        XCTAssertEqual(result.exitCode, 0, result.allOutput)
        XCTAssertTrue(result.allOutput.contains("Got encrypted SSO token of "), result.allOutput)
        let cookie = try XCTUnwrap(result.authValue("COOKIE"), result.allOutput)
        XCTAssertTrue(cookie.contains("webvpn="), cookie)
        let webvpn = try XCTUnwrap(cookie.components(separatedBy: "webvpn=").last)
        XCTAssertFalse(try String(contentsOfFile: lab["ASA_LOG"], encoding: .utf8).contains(webvpn))
        XCTAssertFalse(result.allOutput.contains("/api/sso/AAE"), "curl-browser.sh prints the callback as /api/sso/BLOB")

        // openconnect posts the token while the browser follows its 302 to the final page: those two race.
        let seen = try { () throws -> [String] in
            try waitFor("the browser's last hop", timeout: 20) { hops(hopLog).last?.contains("saml_ac_login.html") == true }
            return hops(hopLog)
        }()
        let log = try requests(lab)
        let kinds = log.map { $0["reply"] as? String ?? "" }
        XCTAssertEqual(Array(kinds.prefix(5)), ["auth-request", "sso-to-idp", "idp-form", "idp-success", "acs-to-localhost"],
                       "\(log)")
        XCTAssertEqual(Set(kinds.dropFirst(5)), ["sso-final", "complete"], "\(log)")
        XCTAssertEqual(kinds.count, 7, "\(log)")
        let initEntry = try XCTUnwrap(log.first)
        XCTAssertEqual(initEntry["type"] as? String, "init")
        XCTAssertEqual((initEntry["note"] as? String)?.trimmingCharacters(in: .whitespaces), "external",
                       "capability single-sign-on-external-browser and the STRAP DH key seen: \(initEntry)")
        XCTAssertEqual(initEntry["strap_headers"] as? [String], ["X-AnyConnect-STRAP-Pubkey", "X-AnyConnect-STRAP-DH-Pubkey"])
        let reply = try XCTUnwrap(log.first { $0["reply"] as? String == "complete" })
        XCTAssertEqual(reply["auth_fields"] as? [String], ["sso-token"], "the token posted back as <sso-token>")
        // The browser reached openconnect's listener, whose 302 took it back to the gateway's final page.
        XCTAssertTrue(seen.contains("302 GET http://localhost:29786/api/sso/BLOB"), "\(seen)")
        XCTAssertEqual(seen.last, "200 GET \(lab["ASA_URL"])/+CSCOE+/saml_ac_login.html", "\(seen)")
    }

    func testTheTunnelComesUpThroughTheFrontAfterExternalBrowserSSO() throws {
        let lab = try start(["--asa"])
        let session = try launch(["ip", "netns", "exec", lab["CLIENT_NS"]] + browserEnvironment(lab, hops: scratch("hops")) + [
            Self.openconnect!, "-v", "--non-inter", "--cafile", lab["CA_FILE"], "--authgroup", lab["ASA_GROUP"],
            "--external-browser", Self.browser, "--script", "/usr/share/vpnc-scripts/vpnc-script",
            lab["ASA_URL"] + "/sso-external"])
        try session.waitForOutput("Configured as ", timeout: 60)
        try waitFor("the route to \(lab["VPN_GW_ADDR"]) through tun0", timeout: 30) {
            try lab.client(["ip", "route", "get", lab["VPN_GW_ADDR"]], timeout: 10).stdout.contains(" dev tun0 ")
        }
        let ping = try lab.client(["ping", "-c", "3", "-W", "5", lab["VPN_GW_ADDR"]], timeout: 60)
        XCTAssertEqual(ping.exitCode, 0, ping.allOutput)
        session.signal(SIGINT)
        let ended = try session.wait(timeout: 20)
        XCTAssertEqual(ended.exitCode, 0, ended.stderr)
        let connect = try XCTUnwrap(try requests(lab).first { $0["method"] as? String == "CONNECT" })
        XCTAssertEqual(connect["scenario"] as? String, "sso-external")
        XCTAssertEqual(connect["strap_verify"] as? Bool, true, "openconnect signs the TLS channel binding: \(connect)")
        XCTAssertEqual(connect["strap_pubkey"] as? Bool, true)
        // openconnect 9.01 rekeys at CONNECT (signs with the login's key, sends a new one) over its TLS 1.3 Finished.
        XCTAssertEqual(connect["strap_verify_result"] as? String, "valid (client-finished, rekey)", "\(connect)")
        XCTAssertEqual(connect["known_cookie"] as? Bool, true)
        XCTAssertEqual(connect["status"] as? Int, 200)
    }

    func testWithoutTheExternalBrowserCapabilityTheFrontSendsTheEmbeddedForm() throws {
        let lab = try start(["--asa"])
        let (_, reply) = try post(lab, "/sso-external", initRequest(lab, "sso-external", capabilities: ["single-sign-on-v2"]))
        XCTAssertNotNil(element("sso-v2-login", in: reply), reply)
        XCTAssertNil(element("sso-v2-browser-mode", in: reply), reply)
        let note = try XCTUnwrap(try requests(lab).last?["note"] as? String)
        XCTAssertTrue(note.contains("embedded form") && note.contains("DH key absent"), note)
        // The capability with a DH key that is not a P-256 SubjectPublicKeyInfo: the embedded form too, and why.
        let (_, second) = try post(lab, "/sso-external", initRequest(lab, "sso-external", capabilities: [
            "single-sign-on-v2", "single-sign-on-external-browser"]), headers: ["X-AnyConnect-STRAP-DH-Pubkey: AAAA"])
        XCTAssertNil(element("sso-v2-browser-mode", in: second), second)
        let why = try XCTUnwrap(try requests(lab).last?["note"] as? String)
        XCTAssertTrue(why.contains("DH key not base64 of a DER SubjectPublicKeyInfo"), why)
    }

    /// The front's STRAP-Verify check on the RFC 9266 exporter path (current openconnect, and what a client
    /// following openssl.c today signs on TLS 1.3), with openssl s_client's exporter and an independent signer.
    func testTheFrontVerifiesAStrapSignatureOverTheTLSExporterAndRejectsAWrongOne() throws {
        let lab = try start(["--asa"])
        let probe = LabGateway.repositoryRoot + "/scripts/lab/strap_probe.py"
        let target = lab["ASA_HOST"] + ":" + lab["ASA_PORT"]
        for (wrong, expected) in [("0", "valid (tls-exporter)"), ("1", "invalid")] {
            let login = try lab.client([Self.openconnect!, "--authenticate", "--cafile", lab["CA_FILE"], "--user", "alice",
                                        "--authgroup", lab["ASA_GROUP"], "--passwd-on-stdin", lab["ASA_URL"] + "/ok"],
                                       stdin: "secret\n", timeout: 60)
            let cookie = try XCTUnwrap(login.authValue("COOKIE")?.components(separatedBy: "webvpn=").last, login.allOutput)
            let sent = try lab.client(["env", "STRAP_PROBE_WRONG_BINDING=" + wrong, "/usr/bin/python3", probe, target,
                                       lab["CA_FILE"]], stdin: cookie + "\n", timeout: 60)
            XCTAssertEqual(sent.exitCode, 0, sent.allOutput)
            XCTAssertTrue(sent.stdout.hasPrefix("HTTP/1.1 200"), sent.allOutput)
            let connect = try XCTUnwrap(try requests(lab).last { $0["method"] as? String == "CONNECT" })
            XCTAssertEqual(connect["strap_verify_result"] as? String, expected, "\(connect)")
        }
    }

    // MARK: embedded-browser mode, walked with curl

    func testSSODocumentsTheIdPSetsTheTokenCookieAndTheTokenLogsInAndCarriesTheTunnel() throws {
        let lab = try start(["--asa"])
        let run = try embeddedBrowserRun(lab, "sso")
        // The init reply: ASA's sso-v2 form [OCSSO-99].
        XCTAssertEqual(element("sso-v2-login-final", in: run.reply), lab["ASA_URL"] + "/+CSCOE+/saml_ac_login.html")
        XCTAssertEqual(element("sso-v2-token-cookie-name", in: run.reply), "acSamlv2Token")
        XCTAssertEqual(element("sso-v2-error-cookie-name", in: run.reply), "acSamlv2Error")
        XCTAssertNil(element("sso-v2-browser-mode", in: run.reply))
        XCTAssertTrue(run.reply.contains(#"<input type="sso" name="sso-token"></input>"#), run.reply)
        XCTAssertTrue(try XCTUnwrap(element("sso-v2-login", in: run.reply)).hasSuffix("&acsamlcap=v2"))
        // The browser: SP -> IdP form -> POST credentials -> ACS -> final URL, the token cookie set on the way.
        XCTAssertEqual(run.browserExit, 0, "\(run.hops)")
        XCTAssertEqual(run.hops, ["302 GET \(lab["ASA_URL"])/+CSCOE+/saml/sp/login", "200 GET \(lab["ASA_URL"])/idp/login",
                                  "302 POST \(lab["ASA_URL"])/idp/login", "302 GET \(lab["ASA_URL"])/+CSCOE+/saml/sp/acs",
                                  "200 GET \(lab["ASA_URL"])/+CSCOE+/saml_ac_login.html"])
        let token = try XCTUnwrap(jarCookie("acSamlv2Token", jar: run.jar), "no acSamlv2Token in the jar")
        XCTAssertNil(jarCookie("acSamlv2Error", jar: run.jar))
        XCTAssertTrue(token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }, token)

        // The token posted back in the auth-reply logs in.
        let context = try XCTUnwrap(setCookie("webvpncontext", in: run.headers), run.headers)
        let (headers, complete) = try post(lab, "/", authReply(token: token, opaque: opaqueBlock(run.reply)),
                                           cookie: "webvpncontext=" + context)
        XCTAssertTrue(complete.contains(#"type="complete""#) && complete.contains(#"<auth id="success">"#), complete)
        let webvpn = try XCTUnwrap(setCookie("webvpn", in: headers), headers)
        XCTAssertEqual(element("session-token", in: complete), webvpn)
        let logText = try String(contentsOfFile: lab["ASA_LOG"], encoding: .utf8)
        XCTAssertFalse(logText.contains(token), "the SSO token must not reach the front's log")
        XCTAssertFalse(logText.contains(webvpn), "the cookie must not reach the front's log")

        // openconnect carries the tunnel on that cookie, through the front.
        let session = try launch(["ip", "netns", "exec", lab["CLIENT_NS"], Self.openconnect!, "-v", "--cookie-on-stdin",
                                  "--cafile", lab["CA_FILE"], "--script", "/usr/share/vpnc-scripts/vpnc-script",
                                  lab["ASA_URL"]], stdin: "webvpn=" + webvpn + "\n")
        try session.waitForOutput("Configured as ", timeout: 40)
        XCTAssertTrue(try pingEventually(lab), "no ping through the tunnel")
        session.signal(SIGINT)
        _ = try session.wait(timeout: 20)
        let connect = try XCTUnwrap(try requests(lab).first { $0["method"] as? String == "CONNECT" })
        XCTAssertEqual(connect["scenario"] as? String, "sso")
        XCTAssertEqual(connect["known_cookie"] as? Bool, true)
    }

    func testAWrongSSOTokenIsLoginFailed() throws {
        let lab = try start(["--asa"])
        let run = try embeddedBrowserRun(lab, "sso")
        let context = try XCTUnwrap(setCookie("webvpncontext", in: run.headers))
        let (_, reply) = try post(lab, "/", authReply(token: "0123ABCD", opaque: opaqueBlock(run.reply)),
                                  cookie: "webvpncontext=" + context)
        XCTAssertTrue(reply.contains(#"type="auth-request""#) && reply.contains("Login failed."), reply)
        XCTAssertNotNil(element("sso-v2-login", in: reply), "the SSO form again")
    }

    func testSSOAutoLogsInAtTheIdPWithoutItsForm() throws {
        let lab = try start(["--asa"])
        let run = try embeddedBrowserRun(lab, "sso-auto")
        XCTAssertEqual(run.browserExit, 0, "\(run.hops)")
        XCTAssertEqual(run.hops, ["302 GET \(lab["ASA_URL"])/+CSCOE+/saml/sp/login", "302 GET \(lab["ASA_URL"])/idp/login",
                                  "302 GET \(lab["ASA_URL"])/+CSCOE+/saml/sp/acs",
                                  "200 GET \(lab["ASA_URL"])/+CSCOE+/saml_ac_login.html"])
        let token = try XCTUnwrap(jarCookie("acSamlv2Token", jar: run.jar))
        let context = try XCTUnwrap(setCookie("webvpncontext", in: run.headers))
        let (_, complete) = try post(lab, "/", authReply(token: token, opaque: opaqueBlock(run.reply)),
                                     cookie: "webvpncontext=" + context)
        XCTAssertTrue(complete.contains(#"<auth id="success">"#), complete)
    }

    func testSSOErrorSetsTheErrorCookieAndNoToken() throws {
        let lab = try start(["--asa"])
        let run = try embeddedBrowserRun(lab, "sso-error")
        XCTAssertEqual(run.browserExit, 0, "\(run.hops)")
        XCTAssertEqual(run.hops, ["302 GET \(lab["ASA_URL"])/+CSCOE+/saml/sp/login", "302 GET \(lab["ASA_URL"])/idp/login",
                                  "302 GET \(lab["ASA_URL"])/+CSCOE+/saml/sp/acs",
                                  "200 GET \(lab["ASA_URL"])/+CSCOE+/saml_ac_login.html"], "the final URL is reached")
        XCTAssertNil(jarCookie("acSamlv2Token", jar: run.jar))
        let error = try XCTUnwrap(jarCookie("acSamlv2Error", jar: run.jar))
        XCTAssertEqual(error.removingPercentEncoding, Self.errorText)
        XCTAssertEqual(try replies(lab).filter { $0.hasPrefix("acs") }, ["acs-error-cookie"])
    }

    /// A real browser through the embedded flow: Debian's headless Chromium, trusting the front's certificate by
    /// its SPKI pin (`--ignore-certificate-errors-spki-list` takes `CA_SIGNED_PIN` without its `pin-sha256:`,
    /// and needs `--user-data-dir`), follows sso-auto's and sso-error's redirects and Set-Cookies to the final URL.
    func testHeadlessChromiumFollowsSSOAutoAndSSOErrorToTheFinalURL() throws {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0) }) else {
            let message = "chromium is missing: run `sudo scripts/lab/lab.sh install`"
            if ProcessInfo.processInfo.environment["SWIFTGATE_LAB"] == "required" { throw LabError(message) }
            throw XCTSkip("SKIPPED LAB TEST: \(message)")
        }
        let lab = try start(["--asa"])
        let pin = lab["CA_SIGNED_PIN"].replacingOccurrences(of: "pin-sha256:", with: "")
        for (scenario, acs) in [("sso-auto", "acs-token-cookie"), ("sso-error", "acs-error-cookie")] {
            let before = try requests(lab).count
            let (_, reply) = try post(lab, "/" + scenario, initRequest(lab, scenario, capabilities: ["single-sign-on-v2"]))
            let login = try XCTUnwrap(element("sso-v2-login", in: reply), reply)
            let run = try lab.client([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                      "--user-data-dir=" + scratch("chromium-profile"),
                                      "--ignore-certificate-errors-spki-list=" + pin, "--dump-dom", login], timeout: 90)
            XCTAssertEqual(run.exitCode, 0, run.stderr)
            XCTAssertTrue(run.stdout.contains("<title>Authentication complete</title>"), run.allOutput)
            // Chromium also asks for /favicon.ico (the front answers any plain GET with the ok login form).
            let kinds = try requests(lab).dropFirst(before).filter { $0["path"] as? String != "/favicon.ico" }
                .map { $0["reply"] as? String ?? "" }
            XCTAssertEqual(kinds, ["auth-request", "sso-to-idp", "idp-success", acs, "sso-final"], scenario)
        }
    }

    func testOpenconnectWithoutAWebviewStopsAtTheEmbeddedForm() throws {
        let lab = try start(["--asa"])
        let result = try lab.client([Self.openconnect!, "--authenticate", "--cafile", lab["CA_FILE"], "--authgroup",
                                     lab["ASA_GROUP"], lab["ASA_URL"] + "/sso"], timeout: 60)
        XCTAssertEqual(result.exitCode, 1, result.allOutput)
        XCTAssertTrue(result.allOutput.contains("No SSO handler"), result.allOutput)
        XCTAssertNil(result.authValue("COOKIE"))
    }
}
