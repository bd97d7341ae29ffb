/// Cisco's single sign-on v2 in a login form (protocol.md §1.11; openconnect auth.c `parse_auth_node`): where the
/// browser goes, the URL that means "done", the cookie that carries the token, and which browser mode the
/// gateway wants. The token goes back in the form's `input type="sso"` field.
public struct SSOLogin: Sendable, Equatable, Codable {
    /// `sso-v2-login`: the identity provider's page (through the gateway).
    public var loginURL: String
    /// `sso-v2-login-final`: reaching it means the login is over and the token cookie is set.
    public var finalURL: String
    /// `sso-v2-logout`.
    public var logoutURL: String?
    /// `sso-v2-browser-mode` = `external` (ASA 9.17+): the system browser, the token returned encrypted through
    /// http://localhost:29786; otherwise a browser the client drives itself.
    public var externalBrowser: Bool
    /// `sso-v2-token-cookie-name` (ASAs send `acSamlv2Token`).
    public var tokenCookieName: String
    /// `sso-v2-error-cookie-name` (ASAs send `acSamlv2Error`): its value is the IdP's or gateway's refusal.
    public var errorCookieName: String?

    public init(loginURL: String, finalURL: String, logoutURL: String? = nil, externalBrowser: Bool = false,
                tokenCookieName: String = "acSamlv2Token", errorCookieName: String? = "acSamlv2Error") {
        self.loginURL = loginURL
        self.finalURL = finalURL
        self.logoutURL = logoutURL
        self.externalBrowser = externalBrowser
        self.tokenCookieName = tokenCookieName
        self.errorCookieName = errorCookieName
    }

    /// The longest URL accepted from a gateway; a SAML request in a query string stays well below.
    public static let maxURLLength = 8192

    /// A gateway's URL for the browser: https (http only to a loopback address), printable, bounded; nil otherwise.
    public static func checkedURL(_ text: String?) -> String? {
        guard let text = text?.trimmingSpaces, !text.isEmpty, text.utf8.count <= maxURLLength,
              text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else { return nil }
        let lower = text.lowercased()
        if lower.hasPrefix("https://") { return text }
        if lower.hasPrefix("http://localhost") || lower.hasPrefix("http://127.0.0.1") { return text }
        return nil
    }

    /// A cookie name: an RFC 6265 token, at most 128 characters.
    public static func checkedCookieName(_ text: String?) -> String? {
        guard let text = text?.trimmingSpaces, !text.isEmpty, text.count <= 128 else { return nil }
        let separators = Set("()<>@,;:\\\"/[]?={} \t")
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }),
              !text.contains(where: { separators.contains($0) }) else { return nil }
        return text
    }
}
