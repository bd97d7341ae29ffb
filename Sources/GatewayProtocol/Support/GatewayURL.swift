import Foundation

/// A gateway address as the user writes it: `https://host[:port][/group-path]`, a bare `host[:port]`,
/// or an IPv6 literal in brackets.
public struct GatewayURL: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int
    /// Always starts with "/".
    public let path: String

    public init(host: String, port: Int = 443, path: String = "/") {
        self.host = host
        self.port = port
        self.path = path.hasPrefix("/") ? path : "/" + path
    }

    /// Parses what a user typed. Only `https` is accepted: the protocol runs over TLS.
    public init(parsing text: String) throws(GatewayURLError) {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        if let schemeEnd = rest.range(of: "://") {
            let scheme = rest[rest.startIndex..<schemeEnd.lowerBound].lowercased()
            guard scheme == "https" else { throw .unsupportedScheme(scheme) }
            rest = rest[schemeEnd.upperBound...]
        }
        let authority: Substring
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[rest.startIndex..<slash]
            rest = rest[slash...]
        } else {
            authority = rest
            rest = "/"
        }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .malformed(text) }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { throw .malformed(text) }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[authority.startIndex..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "@" }) else { throw .malformed(text) }
        var port = 443
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else { throw .badPort(String(portText)) }
            port = value
        }
        let path = rest.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
        self.init(host: String(host), port: port, path: path.isEmpty ? "/" : path)
    }

    public var isIPv6Literal: Bool { host.contains(":") }

    /// `Host` header value: the port only when it is not 443 (protocol.md §1.2).
    public var hostHeader: String {
        let name = isIPv6Literal ? "[\(host)]" : host
        return port == 443 ? name : "\(name):\(port)"
    }

    /// The URL with scheme, as sent in `group-access` (protocol.md §1.3).
    public var description: String { "https://\(hostHeader)\(path)" }

    /// The same gateway with another path (a form `action`, a redirect).
    /// The same gateway: host (case-insensitive, without a trailing dot) and port.
    public func sameGateway(as other: GatewayURL) -> Bool {
        func canonical(_ host: String) -> String {
            let lower = host.lowercased()
            return lower.hasSuffix(".") ? String(lower.dropLast()) : lower
        }
        return port == other.port && canonical(host) == canonical(other.host)
    }

    public func with(path newPath: String) -> GatewayURL {
        GatewayURL(host: host, port: port, path: newPath)
    }
}

public enum GatewayURLError: Error, Equatable, CustomStringConvertible {
    case unsupportedScheme(String)
    case malformed(String)
    case badPort(String)

    public var description: String {
        switch self {
        case .unsupportedScheme(let s): return "unsupported URL scheme '\(s)': the gateway is reached over https"
        case .malformed(let s): return "cannot read '\(s)' as a gateway address; write https://host[:port][/group]"
        case .badPort(let s): return "'\(s)' is not a port number (1-65535)"
        }
    }
}
