/// How HTTP headers and bodies appear in `-v` logs (issue 13, item 2): only headers on an allowlist are shown with
/// their values; a secret-bearing header shows its name and `<redacted>`; any other header shows its name and
/// the length of its value. A credential is never logged, whatever a gateway invents next.
public enum HeaderRedaction {
    /// Headers whose values carry nothing secret and help debugging (protocol.md §1-§3).
    static let shown: Set<String> = [
        "host", "user-agent", "accept", "accept-encoding", "content-type", "content-length", "connection",
        "transfer-encoding", "location", "server", "date", "cache-control", "pragma", "x-transcend-version",
        "x-aggregate-auth", "x-support-http-auth", "x-cstp-version", "x-cstp-hostname", "x-cstp-mtu",
        "x-cstp-base-mtu", "x-cstp-accept-encoding", "x-dtls-accept-encoding", "x-cstp-address-type",
        "x-cstp-full-ipv6-capability", "x-dtls-ciphersuite", "x-dtls12-ciphersuite", "x-cstp-address",
        "x-cstp-netmask", "x-cstp-address-ip6", "x-cstp-dns", "x-cstp-dns-ip6", "x-cstp-nbns",
        "x-cstp-default-domain", "x-cstp-split-dns", "x-cstp-split-include", "x-cstp-split-exclude",
        "x-cstp-split-include-ip6", "x-cstp-split-exclude-ip6", "x-cstp-tunnel-all-dns", "x-cstp-dpd",
        "x-cstp-keepalive", "x-cstp-rekey-time", "x-cstp-rekey-method", "x-cstp-idle-timeout",
        "x-cstp-session-timeout", "x-cstp-disconnected-timeout", "x-cstp-keep", "x-cstp-lease-duration",
        "x-cstp-server-name", "x-cstp-license", "x-cstp-routing-filtering-ignore", "x-cstp-quarantine",
        "x-cstp-disable-always-on-vpn", "x-cstp-client-bypass-protocol", "x-cstp-tcp-keepalive",
        "x-cstp-smartcard-removal-disconnect", "x-dtls-port", "x-dtls-mtu", "x-dtls-dpd", "x-dtls-keepalive",
        "x-dtls-rekey-time", "x-dtls-rekey-method", "x-dtls-cipher-suite", "x-reason",
    ]

    /// Headers (and the like) that carry a credential: cookies, the DTLS master secret and session, the ASA's
    /// post-auth XML with its session token, any authorization or token header.
    public static func isSecret(_ name: String) -> Bool {
        let lower = name.lowercased()
        if ["cookie", "set-cookie", "authorization", "proxy-authorization", "x-dtls-master-secret",
            "x-dtls-session-id", "x-dtls-app-id", "x-cstp-post-auth-xml"].contains(lower) { return true }
        return ["token", "secret", "cookie", "password", "passwd", "session", "auth"].contains { lower.contains($0) }
            && !shown.contains(lower)
    }

    /// One header as a log shows it.
    public static func line(name: String, value: String) -> String {
        let lower = name.lowercased()
        let shownName = GatewayText.printable(String(name.prefix(80)))
        if lower == "cookie" {
            return "\(shownName): <\(value.split(separator: ";").count) cookie(s) redacted>"
        }
        if lower == "set-cookie" {
            let cookieName = value.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return "\(shownName): \(GatewayText.printable(String(cookieName.prefix(40))))=<redacted>"
        }
        if isSecret(lower) { return "\(shownName): <redacted>" }
        if shown.contains(lower) { return "\(shownName): \(GatewayText.printable(String(value.prefix(200))))" }
        return "\(shownName): <\(value.utf8.count) bytes, not logged>"
    }

    /// Every header, as a log shows them, joined with ` | `.
    public static func describe(_ headers: [(name: String, value: String)]) -> String {
        headers.map { line(name: $0.name, value: $0.value) }.joined(separator: " | ")
    }

    /// A request path as a log shows it: the query string (an SSO or SAML step may carry a token there) by its
    /// length only.
    public static func path(_ path: String) -> String {
        guard let mark = path.firstIndex(of: "?") else { return GatewayText.printable(path) }
        return GatewayText.printable(String(path[..<mark])) + "?<\(path[path.index(after: mark)...].utf8.count) bytes, not logged>"
    }
}
