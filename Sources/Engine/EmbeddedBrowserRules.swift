import Foundation
import GatewayProtocol

/// The decisions of an embedded-browser SSO login, apart from the browser: when the final page is reached, which
/// cookie counts, and what of the gateway's error text may be shown. Facts from openconnect cstp.c
/// (`cstp_sso_detect_done`): cookies are looked at on every navigation; an empty cookie does not count (some
/// IdPs set empty ones); a non-empty error cookie ends the login at once with its value as the reason; the token
/// counts once the browser is at `sso-v2-login-final`, compared with the page's URI.
enum EmbeddedBrowserRules {
    /// A cookie as Chromium's Storage.getCookies reports it; values from the gateway or its IdP: untrusted.
    struct Cookie: Equatable {
        var name: String
        var value: String
        var domain: String
    }

    /// The longest token accepted: browsers keep cookies to 4 KiB, so anything far longer is not a cookie value.
    static let tokenLimit = 16 * 1024
    /// The gateway's error text is shown on one line of a dialog.
    static let errorTextLimit = 300

    /// openconnect compares the URI as a string. Chromium reports a URL in its canonical form (lower-case
    /// scheme and host, no default port, `/` for an empty path) and without its fragment, so both sides are
    /// put in that form before comparing; the query must match exactly.
    static func isFinalPage(_ url: String, finalURL: String) -> Bool {
        if url == finalURL { return true }
        guard let seen = canonical(url), let wanted = canonical(finalURL) else { return false }
        return seen == wanted
    }

    private static func canonical(_ text: String) -> String? {
        guard let parts = URLComponents(string: text), let scheme = parts.scheme?.lowercased(),
              let host = parts.host?.lowercased(), !host.isEmpty else { return nil }
        let defaultPort = scheme == "https" ? 443 : scheme == "http" ? 80 : nil
        let port = parts.port.flatMap { $0 == defaultPort ? nil : $0 }
        let path = parts.percentEncodedPath.isEmpty ? "/" : parts.percentEncodedPath
        let query = parts.percentEncodedQuery.map { "?" + $0 } ?? ""
        return "\(scheme)://\(host)\(port.map { ":\($0)" } ?? "")\(path)\(query)"
    }

    enum Decision: Equatable {
        case keepGoing
        case outcome(EmbeddedBrowserOutcome)
        case badToken(String)
    }

    /// What the cookies say after a navigation. The token wins when both are set at the final page (a fresh
    /// profile holds no stale token); an error cookie counts on any page, as in openconnect.
    static func decide(cookies: [Cookie], tokenCookie: String, errorCookie: String?, atFinalPage: Bool,
                       finalHost: String?) -> Decision {
        if atFinalPage, let token = pick(tokenCookie, from: cookies, preferring: finalHost) {
            let value = token.trimmingCharacters(in: .whitespaces)
            guard value.utf8.count <= tokenLimit else {
                return .badToken("the token cookie \(printable(tokenCookie, limit: 64)) is longer than \(tokenLimit) bytes")
            }
            guard !value.unicodeScalars.contains(where: isHidden) else {
                return .badToken("the token cookie \(printable(tokenCookie, limit: 64)) holds control characters")
            }
            return .outcome(.token(Secret(value)))
        }
        if let errorCookie, let text = pick(errorCookie, from: cookies, preferring: finalHost) {
            return .outcome(.gatewayError(errorText(text, cookieName: errorCookie)))
        }
        return .keepGoing
    }

    /// The gateway's error text as a person may read it: percent-decoded when it is so encoded, control and
    /// format characters (bidi overrides too) removed, bounded.
    static func errorText(_ raw: String, cookieName: String) -> String {
        let decoded = raw.removingPercentEncoding ?? raw
        let text = printable(decoded, limit: errorTextLimit)
        return text.isEmpty ? "the gateway set its error cookie \(printable(cookieName, limit: 64)) without readable text" : text
    }

    /// `text` without control or format characters, whitespace runs folded to one space, at most `limit` characters.
    static func printable(_ text: String, limit: Int) -> String {
        var out = String.UnicodeScalarView()
        var lastWasSpace = true
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace || isHidden(scalar) {
                if !lastWasSpace && scalar.properties.isWhitespace { out.append(" ") }
                lastWasSpace = lastWasSpace || scalar.properties.isWhitespace
                continue
            }
            out.append(scalar)
            lastWasSpace = false
        }
        let folded = String(out).trimmingCharacters(in: .whitespaces)
        return folded.count > limit ? String(folded.prefix(limit)) + "…" : folded
    }

    private static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned, .privateUse: return true
        default: return false
        }
    }

    /// The non-empty value of the cookie called `name`, the one for the final page's host first.
    private static func pick(_ name: String, from cookies: [Cookie], preferring host: String?) -> String? {
        let candidates = cookies.filter { $0.name == name && !$0.value.isEmpty }
        if let host = host?.lowercased(), let match = candidates.first(where: { domain($0.domain, covers: host) }) {
            return match.value
        }
        return candidates.first?.value
    }

    private static func domain(_ domain: String, covers host: String) -> Bool {
        let bare = domain.lowercased().hasPrefix(".") ? String(domain.lowercased().dropFirst()) : domain.lowercased()
        return host == bare || host.hasSuffix("." + bare)
    }
}
