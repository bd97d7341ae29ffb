/// Builds the HTTP requests of the authentication phases: headers of protocol.md §1.2, bodies of §1.3, §1.6
/// and the legacy form post of §1.10.
public struct AuthRequestBuilder: Sendable {
    public let configuration: AuthConfiguration

    public init(configuration: AuthConfiguration) { self.configuration = configuration }

    /// `config-auth type="init"`, optionally with a `group-select`.
    public func initRequest(url: GatewayURL, groupSelect: String?, cookies: CookieJar,
                            certificateFailed: Bool = false) -> HTTPRequest {
        var xml = header(type: "init") + capabilities()
        xml += "<group-access>\(XMLEscape.escape(url.description))</group-access>"
        if let groupSelect { xml += "<group-select>\(XMLEscape.escape(groupSelect))</group-select>" }
        // After `<client-cert-request/>` with no certificate to give (protocol.md §1.3).
        if certificateFailed { xml += "<client-cert-fail/>" }
        xml += "</config-auth>"
        return post(url: url, body: Array(xml.utf8), contentType: "application/xml; charset=utf-8",
                    cookies: cookies, aggregate: true)
    }

    /// `config-auth type="auth-reply"` with one element per answered field.
    public func replyRequest(form: AuthForm, url: GatewayURL, answers: [(name: String, value: String)],
                             groupSelect: String?, cookies: CookieJar) -> HTTPRequest {
        var xml = header(type: "auth-reply") + capabilities()
        if let opaque = form.opaque { xml += opaque }
        xml += "<auth>"
        for answer in answers {
            xml += "<\(answer.name)>\(XMLEscape.escape(answer.value))</\(answer.name)>"
        }
        xml += "</auth>"
        if let groupSelect { xml += "<group-select>\(XMLEscape.escape(groupSelect))</group-select>" }
        xml += "</config-auth>"
        return post(url: url, body: Array(xml.utf8), contentType: "application/xml; charset=utf-8",
                    cookies: cookies, aggregate: true)
    }

    /// A legacy form post: `application/x-www-form-urlencoded`, no X-Aggregate-Auth.
    public func legacyPost(url: GatewayURL, answers: [(name: String, value: String)], cookies: CookieJar) -> HTTPRequest {
        let body = answers.map { "\(FormEncoding.encode($0.name))=\(FormEncoding.encode($0.value))" }.joined(separator: "&")
        return post(url: url, body: Array(body.utf8), contentType: "application/x-www-form-urlencoded",
                    cookies: cookies, aggregate: false)
    }

    /// A GET: the legacy first page, a redirect target, a profile.
    public func get(url: GatewayURL, cookies: CookieJar, aggregate: Bool) -> HTTPRequest {
        HTTPRequest(method: "GET", path: url.path, headers: commonHeaders(cookies: cookies, aggregate: aggregate, url: url))
    }

    /// Headers sent on every auth and profile request (protocol.md §1.2). No X-Support-HTTP-Auth: Swiftgate does
    /// not implement SPNEGO, and that header switches ocserv to it.
    public func commonHeaders(cookies: CookieJar, aggregate: Bool, url: GatewayURL? = nil) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add("Host", (url ?? configuration.url).hostHeader)
        headers.add("User-Agent", configuration.userAgent)
        if let cookie = cookies.headerValue() { headers.add("Cookie", cookie) }
        headers.add("Accept", "*/*")
        headers.add("Accept-Encoding", "identity")
        headers.add("X-Transcend-Version", "1")
        if aggregate { headers.add("X-Aggregate-Auth", "1") }
        return headers
    }

    private func post(url: GatewayURL, body: [UInt8], contentType: String, cookies: CookieJar, aggregate: Bool) -> HTTPRequest {
        var headers = commonHeaders(cookies: cookies, aggregate: aggregate, url: url)
        // STRAP keys of this login (openconnect auth.c): the external-browser token comes back encrypted to them.
        if let key = configuration.strapPublicKey { headers.add("X-AnyConnect-STRAP-Pubkey", key) }
        if let key = configuration.strapDHPublicKey { headers.add("X-AnyConnect-STRAP-DH-Pubkey", key) }
        headers.add("X-Pad", Self.padding(forBodyLength: body.count))
        headers.add("Content-Type", contentType)
        return HTTPRequest(method: "POST", path: url.path, headers: headers, body: body)
    }

    /// Zeros that round the body up to the next multiple of 64, hiding the password's length (protocol.md §1.2).
    static func padding(forBodyLength length: Int) -> String {
        String(repeating: "0", count: 64 * (1 + length / 64) - length)
    }

    /// `<capabilities>`: the auth methods this client implements (protocol.md §1.3; openconnect auth.c
    /// `xmlpost_new_query`), so an SSO gateway sends its SAML form instead of refusing.
    private func capabilities() -> String {
        guard !configuration.authMethods.isEmpty else { return "" }
        return "<capabilities>" + configuration.authMethods.map { "<auth-method>\(XMLEscape.escape($0))</auth-method>" }
            .joined() + "</capabilities>"
    }

    private func header(type: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<config-auth client=\"vpn\" type=\"\(type)\" aggregate-auth-version=\"2\">"
            + "<version who=\"vpn\">\(AuthConfiguration.clientVersion)</version>"
            + "<device-id>\(XMLEscape.escape(configuration.deviceID))</device-id>"
    }
}
