import Foundation
internal import GRDB

/// The AnyConnect profile a gateway last served (DESIGN.md §1, download phase), kept so the next connection can
/// compare SHA-1s and skip the download. Kept per gateway `host:port`, not per saved name: every saved entry for
/// the same gateway shares it (issue 13, item 16).
public struct StoredProfile: Sendable, Hashable {
    /// `HostPortKey` of the gateway that served it.
    public var hostPort: String
    /// The path the gateway named in `vpn-profile-manifest`.
    public var uri: String
    /// Upper-case hex; the store upper-cases what it is given, because gateways differ in case.
    public var sha1: String
    public var xml: String
    public var fetchedAt: Date

    public init(hostPort: String, uri: String, sha1: String, xml: String, fetchedAt: Date) {
        self.hostPort = hostPort
        self.uri = uri
        self.sha1 = sha1.uppercased()
        self.xml = xml
        self.fetchedAt = fetchedAt
    }

    init(row: Row) {
        self.init(hostPort: row["hostPort"], uri: row["uri"], sha1: row["sha1"], xml: row["xml"],
                  fetchedAt: (row["fetchedAt"] as StoredDate).date)
    }
}
