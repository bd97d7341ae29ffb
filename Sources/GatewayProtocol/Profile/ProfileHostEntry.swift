/// One `ServerList/HostEntry` of an AnyConnect profile (protocol.md phase 2): what becomes a saved gateway.
public struct ProfileHostEntry: Sendable, Equatable, Codable {
    /// The display name the user picks.
    public var name: String
    /// A host name, address or URL.
    public var address: String
    /// The group URL path, when the entry names one.
    public var userGroup: String?

    public init(name: String, address: String, userGroup: String? = nil) {
        self.name = name
        self.address = address
        self.userGroup = userGroup
    }

    /// `https://HostAddress/UserGroup`, as openconnect builds it from a profile entry.
    public var url: String {
        var base = address.lowercased().hasPrefix("https://") ? address : "https://" + address
        while base.hasSuffix("/") { base.removeLast() }
        guard let group = userGroup?.trimmingSpaces, !group.isEmpty else { return base + "/" }
        return base + "/" + (group.hasPrefix("/") ? String(group.dropFirst()) : group)
    }
}

extension ProfileHostEntry {
    /// Why this entry must not become a saved gateway, or nil when it may (issue 13, item 1). A profile comes from
    /// a gateway, so it may plant names: a name is printable text of at most 64 characters with no URL syntax,
    /// and a name that reads as an address (`vpn.example.com`) must be this entry's own address, or `connect`
    /// would send the user elsewhere than they typed; `HostAddress` is a host name or IP address with an
    /// optional port; `UserGroup` is a plain path.
    public var problem: String? {
        if name.isEmpty || name.count > 64 { return "the name is empty or longer than 64 characters" }
        if name.unicodeScalars.contains(where: Self.isUnprintable) { return "the name holds control characters" }
        if name.first?.isWhitespace == true || name.last?.isWhitespace == true {
            return "the name starts or ends with a space"
        }
        if name.contains("://") || name.contains(where: { "/\\@?#[]".contains($0) }) {
            return "the name looks like a URL"
        }
        guard let target = Self.hostAndPort(address) else {
            return "its address is not a host name or IP address with an optional port"
        }
        if let group = userGroup?.trimmingSpaces, !group.isEmpty,
           group.contains("..") || !group.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._~/+".contains($0)) }) {
            return "its group path holds characters a URL path must not"
        }
        if name.contains(".") || name.contains(":") {
            // Reads as an address: allowed only when it is this very gateway (Cisco profiles often name an
            // entry by its host name).
            guard let named = Self.hostAndPort(name), named.host == target.host, named.port == target.port else {
                return "the name reads as an address other than the entry's own (\(address))"
            }
        }
        return nil
    }

    private static func isUnprintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    /// `host[:port]` with a lower-cased host: a DNS name, an IPv4 address, or an IPv6 literal in brackets.
    static func hostAndPort(_ text: String) -> (host: String, port: Int)? {
        var host = Substring(text)
        var port = 443
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let inner = host[host.index(after: host.startIndex)..<close]
            let rest = host[host.index(after: close)...]
            guard !inner.isEmpty, inner.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let value = Int(rest.dropFirst()), (1...65535).contains(value) else { return nil }
                port = value
            }
            return (inner.lowercased(), port)
        }
        if let colon = host.firstIndex(of: ":") {
            guard let value = Int(host[host.index(after: colon)...]), (1...65535).contains(value) else { return nil }
            port = value
            host = host[..<colon]
        }
        if host.hasSuffix(".") { host = host.dropLast() }
        guard !host.isEmpty, host.count <= 253 else { return nil }
        for label in host.split(separator: ".", omittingEmptySubsequences: false) {
            guard (1...63).contains(label.count), label.first != "-", label.last != "-",
                  label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            else { return nil }
        }
        return (host.lowercased(), port)
    }
}
