import Foundation
internal import GRDB

/// The AnyConnect profile a gateway last served (DESIGN.md §1, download phase), kept so the next connection can
/// compare SHA-1s and skip the download.
public struct StoredProfile: Sendable, Hashable {
    public var gatewayName: String
    /// The path the gateway named in `vpn-profile-manifest`.
    public var uri: String
    /// Upper-case hex; the store upper-cases what it is given, because gateways differ in case.
    public var sha1: String
    public var xml: String
    public var fetchedAt: Date

    public init(gatewayName: String, uri: String, sha1: String, xml: String, fetchedAt: Date) {
        self.gatewayName = gatewayName
        self.uri = uri
        self.sha1 = sha1.uppercased()
        self.xml = xml
        self.fetchedAt = fetchedAt
    }

    init(row: Row) {
        self.init(gatewayName: row["gatewayName"], uri: row["uri"], sha1: row["sha1"], xml: row["xml"],
                  fetchedAt: row["fetchedAt"])
    }
}
