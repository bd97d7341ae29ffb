import Foundation
internal import GRDB

/// A saved gateway. Never holds a password or a cookie: those live only in memory for one connection (DESIGN.md §6).
public struct Gateway: Sendable, Hashable {
    /// Unique; what `swiftgate connect NAME` and the gateways screen use.
    public var name: String
    public var url: String
    public var defaultGroup: String?
    public var username: String?
    /// The user's DTLS preference as the engine spells it (auto, psk, legacy, dtls12, off); nil means the default.
    public var dtlsMode: String?
    public var source: GatewaySource
    /// For `source == .profile`: the `HostPortKey` of the gateway whose downloaded profile listed this one; nil for
    /// an entry imported from a file. Another origin never replaces it (issue 13, item 1).
    public var profileOrigin: String?
    /// Client identity, as paths to PEM files; the files themselves stay where the user keeps them.
    public var certificatePath: String?
    public var keyPath: String?
    /// What Swiftgate reports to this gateway (`--version-string`, `--os`, `--local-hostname`); nil: the default.
    public var versionString: String?
    public var reportedOS: String?
    public var localHostname: String?
    /// The user's split tunnel and DNS for this gateway (issue 14, item 4): networks to send through the tunnel
    /// too, networks to keep out of it, and the only domains to resolve with the VPN's DNS. Empty: as pushed.
    public var includeRoutes: [String] = []
    public var excludeRoutes: [String] = []
    public var vpnDNSDomains: [String] = []
    /// Maintained by the store: set when first saved, and on every save. Values passed in are ignored.
    public internal(set) var createdAt: Date
    public internal(set) var updatedAt: Date

    public init(name: String, url: String, defaultGroup: String? = nil, username: String? = nil,
                dtlsMode: String? = nil, source: GatewaySource = .manual, profileOrigin: String? = nil,
                certificatePath: String? = nil, keyPath: String? = nil, versionString: String? = nil,
                reportedOS: String? = nil, localHostname: String? = nil) {
        self.name = name
        self.url = url
        self.defaultGroup = defaultGroup
        self.username = username
        self.dtlsMode = dtlsMode
        self.source = source
        self.profileOrigin = profileOrigin
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.versionString = versionString
        self.reportedOS = reportedOS
        self.localHostname = localHostname
        // Placeholders until saved; the store replaces both.
        self.createdAt = Date(timeIntervalSince1970: 0)
        self.updatedAt = Date(timeIntervalSince1970: 0)
    }

    init(row: Row) throws {
        let sourceText: String = row["source"]
        guard let source = GatewaySource(rawValue: sourceText) else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT,
                                message: "gateway \(String(describing: row["name"] as String?)) has unknown source \(sourceText)")
        }
        self.init(name: row["name"], url: row["url"], defaultGroup: row["defaultGroup"], username: row["username"],
                  dtlsMode: row["dtlsMode"], source: source, profileOrigin: row["profileOrigin"],
                  certificatePath: row["certificatePath"], keyPath: row["keyPath"],
                  versionString: row["versionString"], reportedOS: row["reportedOS"], localHostname: row["localHostname"])
        includeRoutes = Self.list(row["includeRoutes"])
        excludeRoutes = Self.list(row["excludeRoutes"])
        vpnDNSDomains = Self.list(row["vpnDNSDomains"])
        createdAt = (row["createdAt"] as StoredDate).date
        updatedAt = (row["updatedAt"] as StoredDate).date
    }

    /// The lists are kept one value a line; NULL when empty.
    static func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    static func text(_ list: [String]) -> String? {
        list.isEmpty ? nil : list.joined(separator: "\n")
    }
}
