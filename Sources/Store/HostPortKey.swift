import Foundation

/// The one spelling of `host:port` that keys pins and profiles (issue 13, items 10 and 16): DNS names are
/// case-insensitive and `vpn.example.com.` is `vpn.example.com`, so the host is lower-cased and loses its
/// trailing dots; an IPv6 literal is written bare (`::1:443`), as the engine has always keyed it.
public enum HostPortKey {
    public static func make(host: String, port: Int) -> String {
        "\(canonicalHost(host)):\(port)"
    }

    /// `host`, `host:port`, `[v6]` or `[v6]:port` (port 443 when left out) → the canonical key.
    public static func parse(_ text: String) -> String {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            return make(host: host, port: rest.hasPrefix(":") ? Int(rest.dropFirst()) ?? 443 : 443)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2, let port = Int(parts[1]) { return make(host: String(parts[0]), port: port) }
        if parts.count > 2, let last = parts.last, let port = Int(last) {
            // An IPv6 literal keyed bare (`::1:443`, the store's own spelling): already host:port.
            return make(host: parts.dropLast().joined(separator: ":"), port: port)
        }
        return make(host: text, port: 443)
    }

    /// The key of a saved gateway's URL (`https://host[:port][/path]`); nil when it names no host.
    public static func of(url: String) -> String? {
        var rest = Substring(url.trimmingCharacters(in: .whitespaces))
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty else { return nil }
        if authority.hasPrefix("[") { return parse(String(authority)) }
        let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty else { return nil }
        return parse(String(authority))
    }

    static func canonicalHost(_ host: String) -> String {
        var host = host.lowercased()
        while host.hasSuffix(".") && host.count > 1 { host.removeLast() }
        return host
    }
}
