import GRDB

/// The SQLite database behind saved gateways, group aliases, trust, profiles and history (DESIGN.md §4).
/// The schema arrives with the store issue; this room exists now so later work lands in the right place.
public final class GatewayDatabase: Sendable {
    public let path: String
    private let queue: DatabaseQueue

    public init(path: String) throws {
        self.path = path
        self.queue = try DatabaseQueue(path: path)
    }

    /// The SQLite library version in use (a smoke check that GRDB links against the system libsqlite3).
    public func sqliteVersion() throws -> String {
        try queue.read { db in try String.fetchOne(db, sql: "SELECT sqlite_version()") ?? "?" }
    }
}
