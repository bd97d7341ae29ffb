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
    /// Maintained by the store: set when first saved, and on every save. Values passed in are ignored.
    public internal(set) var createdAt: Date
    public internal(set) var updatedAt: Date

    public init(name: String, url: String, defaultGroup: String? = nil, username: String? = nil,
                dtlsMode: String? = nil, source: GatewaySource = .manual, profileOrigin: String? = nil,
                certificatePath: String? = nil, keyPath: String? = nil) {
        self.name = name
        self.url = url
        self.defaultGroup = defaultGroup
        self.username = username
        self.dtlsMode = dtlsMode
        self.source = source
        self.profileOrigin = profileOrigin
        self.certificatePath = certificatePath
        self.keyPath = keyPath
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
                  certificatePath: row["certificatePath"], keyPath: row["keyPath"])
        createdAt = row["createdAt"]
        updatedAt = row["updatedAt"]
    }
}
