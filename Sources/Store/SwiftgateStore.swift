import Foundation
import Glibc
internal import GRDB

/// Saved gateways, group aliases, trust decisions, profiles and history in one SQLite file (DESIGN.md §4).
///
/// A `DatabasePool` in WAL mode, so the TUI and a CLI command can use the file at the same time: readers never wait
/// for the writer, and writers wait for each other up to a busy timeout. Every write is one transaction, so a
/// failed write loses nothing already saved. Calls are synchronous and short; call them off the main loop if a
/// busy wait would hurt.
public final class SwiftgateStore: Sendable {
    public let path: String
    private let pool: DatabasePool
    private let now: @Sendable () -> Date

    /// How long a write waits for another process's write before `StoreError.busy`.
    static let busyTimeout: TimeInterval = 5

    /// Opens the database at `path`, creating it and its directories when missing, and migrates it to this build's
    /// schema. A damaged file, another program's database, or one from a newer Swiftgate is refused untouched.
    ///
    /// - Parameters:
    ///   - handover: under sudo, who receives the files and directories this call creates; nil leaves them be.
    ///   - now: the clock for `createdAt`/`updatedAt`; tests fix it.
    public init(path: String, handover: SudoHandover? = SudoHandover.fromSudo(),
                now: @escaping @Sendable () -> Date = { Date() }) throws(StoreError) {
        self.path = path
        self.now = now

        // Under the set-up lock until the schema is current (StoreFiles.lockForSetUp).
        let (_, directory, setUpLock) = try StoreFiles.prepare(path, handover: handover) { createdFile throws(StoreError) in
            if !createdFile { try StoreSchema.inspect(path: path) }
        }
        defer { close(directory) }
        defer { close(setUpLock) }

        var configuration = Configuration()
        configuration.label = "swiftgate"
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.maximumReaderCount = 2
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try StoreSchema.migrator.migrate(pool)
        } catch {
            throw StoreError(error, path: path, operation: "open and migrate the database")
        }
        try StoreFiles.restrictModes(path, in: directory)
    }

    /// Folds the write-ahead log into the file and empties it; for a command that ends with the store still open.
    /// SQLite does this when the last connection closes, but a process that ends by exit code keeps its pool to
    /// the end, and then the next process to open the file must read the whole log to rebuild its index (hundreds
    /// of reads before a connect could start; issue 12, item 4). Best effort: a reader elsewhere (the interface)
    /// that outlasts the busy timeout leaves the log as it is.
    public func checkpoint() {
        _ = try? pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }

    /// The SQLite library in use: the system's libsqlite3, for `--version` and bug reports.
    public func sqliteVersion() throws(StoreError) -> String {
        try read("read the SQLite version") { db in try String.fetchOne(db, sql: "SELECT sqlite_version()") ?? "?" }
    }

    // MARK: Gateways

    /// All saved gateways, by name.
    public func gateways() throws(StoreError) -> [Gateway] {
        try read("read gateways") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM gateway ORDER BY name COLLATE NOCASE, name").map(Gateway.init(row:))
        }
    }

    public func gateway(named name: String) throws(StoreError) -> Gateway? {
        try read("read gateway \(name)") { db in try Self.fetchGateway(db, name) }
    }

    /// Inserts the gateway, or updates the saved one with the same name. Keeps `createdAt`, sets `updatedAt`, and
    /// returns the gateway as stored.
    @discardableResult
    public func saveGateway(_ gateway: Gateway) throws(StoreError) -> Gateway {
        let date = now()
        return try write("save gateway \(gateway.name)") { db in
            try db.execute(sql: """
                INSERT INTO gateway (name, url, defaultGroup, username, dtlsMode, source, profileOrigin,
                                     certificatePath, keyPath, createdAt, updatedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET
                    url = excluded.url, defaultGroup = excluded.defaultGroup, username = excluded.username,
                    dtlsMode = excluded.dtlsMode, source = excluded.source, profileOrigin = excluded.profileOrigin,
                    certificatePath = excluded.certificatePath, keyPath = excluded.keyPath,
                    updatedAt = excluded.updatedAt
                """, arguments: [gateway.name, gateway.url, gateway.defaultGroup, gateway.username, gateway.dtlsMode,
                                 gateway.source.rawValue, gateway.profileOrigin, gateway.certificatePath,
                                 gateway.keyPath, StoredDate(date), StoredDate(date)])
            try db.execute(sql: "UPDATE gateway SET versionString = ?, reportedOS = ?, localHostname = ? WHERE name = ?",
                           arguments: [gateway.versionString, gateway.reportedOS, gateway.localHostname, gateway.name])
            try db.execute(sql: "UPDATE gateway SET includeRoutes = ?, excludeRoutes = ?, vpnDNSDomains = ? WHERE name = ?",
                           arguments: [Gateway.text(gateway.includeRoutes), Gateway.text(gateway.excludeRoutes),
                                       Gateway.text(gateway.vpnDNSDomains), gateway.name])
            guard let saved = try Self.fetchGateway(db, gateway.name) else {
                throw StoreError.unknownGateway(name: gateway.name)
            }
            return saved
        }
    }

    /// Removes the gateway with its group aliases (foreign keys cascade), and its gateway's profile when no other
    /// saved entry names the same `host:port`. History stays.
    @discardableResult
    public func removeGateway(named name: String) throws(StoreError) -> Bool {
        try write("remove gateway \(name)") { db in
            guard let gateway = try Self.fetchGateway(db, name) else { return false }
            try db.execute(sql: "DELETE FROM gateway WHERE name = ?", arguments: [name])
            if let key = HostPortKey.of(url: gateway.url),
               try !String.fetchAll(db, sql: "SELECT url FROM gateway").contains(where: { HostPortKey.of(url: $0) == key }) {
                try db.execute(sql: "DELETE FROM profile WHERE hostPort = ?", arguments: [key])
            }
            return true
        }
    }

    /// Saves the `ServerList` of one profile as gateways (source = profile), in one transaction (issue 13, item 1).
    /// `origin` is the `HostPortKey` of the gateway whose profile it is, or nil for a file the user imported.
    /// An entry never replaces a gateway the user saved, nor one from another origin: it is refused, with the
    /// reason. The origin's entries it no longer lists are removed (a file import removes nothing). Only the
    /// names and URLs of `entries` are used.
    public func saveProfileEntries(_ entries: [Gateway], origin: String?) throws(StoreError) -> ProfileEntryChanges {
        let date = now()
        let origin = origin.map(HostPortKey.parse)
        return try write("save the profile entries of \(origin ?? "a file")") { db in
            var changes = ProfileEntryChanges()
            var listed = Set<String>()
            for entry in entries {
                guard listed.insert(entry.name).inserted else {
                    changes.refused.append(ProfileEntryRefusal(name: entry.name, reason: "listed twice"))
                    continue
                }
                if let existing = try Self.fetchGateway(db, entry.name) {
                    if existing.source == .manual {
                        changes.refused.append(ProfileEntryRefusal(name: entry.name, reason: "you saved a gateway with this name"))
                        continue
                    }
                    if existing.profileOrigin != origin {
                        let owner = existing.profileOrigin.map { "the profile of \($0)" } ?? "an imported file"
                        changes.refused.append(ProfileEntryRefusal(name: entry.name, reason: "the name is taken by \(owner)"))
                        continue
                    }
                    guard existing.url != entry.url else { continue }
                    try db.execute(sql: "UPDATE gateway SET url = ?, updatedAt = ? WHERE name = ?",
                                   arguments: [entry.url, StoredDate(date), entry.name])
                    changes.changed.append(entry.name)
                    continue
                }
                try db.execute(sql: """
                    INSERT INTO gateway (name, url, source, profileOrigin, createdAt, updatedAt)
                    VALUES (?, ?, 'profile', ?, ?, ?)
                    """, arguments: [entry.name, entry.url, origin, StoredDate(date), StoredDate(date)])
                changes.added.append(entry.name)
            }
            if let origin {
                let stale = try String.fetchAll(db, sql: """
                    SELECT name FROM gateway WHERE source = 'profile' AND profileOrigin = ? ORDER BY name
                    """, arguments: [origin]).filter { !listed.contains($0) }
                for name in stale {
                    try db.execute(sql: "DELETE FROM gateway WHERE name = ?", arguments: [name])
                }
                changes.removed = stale
            }
            return changes
        }
    }

    /// Remembers the group to select next time; nil forgets it.
    public func setDefaultGroup(_ group: String?, forGateway name: String) throws(StoreError) {
        let date = now()
        try write("set the default group of \(name)") { db in
            try db.execute(sql: "UPDATE gateway SET defaultGroup = ?, updatedAt = ? WHERE name = ?",
                           arguments: [group, StoredDate(date), name])
            guard db.changesCount > 0 else { throw StoreError.unknownGateway(name: name) }
        }
    }

    // MARK: Group aliases

    /// Replaces the gateway's aliases with the ones the server offered now, keeping the server's order. A value
    /// offered twice is kept once (the first).
    public func replaceGroupAliases(_ aliases: [GroupAlias], forGateway name: String) throws(StoreError) {
        try write("save the groups of \(name)") { db in
            let gatewayID = try Self.gatewayID(db, name)
            try db.execute(sql: "DELETE FROM group_alias WHERE gatewayId = ?", arguments: [gatewayID])
            var seen = Set<String>()
            for (position, alias) in aliases.enumerated() where seen.insert(alias.value).inserted {
                try db.execute(sql: """
                    INSERT INTO group_alias (gatewayId, position, value, label, isDefault, seenAt)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [gatewayID, position, alias.value, alias.label, alias.isDefault, StoredDate(alias.seenAt)])
            }
        }
    }

    /// The gateway's aliases in the server's order; empty for an unknown gateway.
    public func groupAliases(forGateway name: String) throws(StoreError) -> [GroupAlias] {
        try read("read the groups of \(name)") { db in
            try Row.fetchAll(db, sql: """
                SELECT group_alias.* FROM group_alias JOIN gateway ON gateway.id = group_alias.gatewayId
                WHERE gateway.name = ? ORDER BY group_alias.position
                """, arguments: [name]).map(GroupAlias.init(row:))
        }
    }

    // MARK: Trust

    /// The pins accepted for `host:port`, oldest first.
    public func trustedPins(for hostPort: String) throws(StoreError) -> [TrustedPin] {
        let hostPort = HostPortKey.parse(hostPort)
        return try read("read trust for \(hostPort)") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM trust WHERE hostPort = ? ORDER BY acceptedAt, id",
                             arguments: [hostPort]).map(TrustedPin.init(row:))
        }
    }

    /// Records an accepted certificate. Accepting the same pin for the same `host:port` again updates it.
    public func addTrustedPin(_ trust: TrustedPin) throws(StoreError) {
        guard TrustedPin.isWellFormed(trust.pin) else { throw .invalidPin(trust.pin) }
        var trust = trust
        trust.hostPort = HostPortKey.parse(trust.hostPort)
        try write("save trust for \(trust.hostPort)") { db in
            try db.execute(sql: """
                INSERT INTO trust (hostPort, pin, subject, issuer, notAfter, reasons, acceptedAt, warning)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (hostPort, pin) DO UPDATE SET
                    subject = excluded.subject, issuer = excluded.issuer, notAfter = excluded.notAfter,
                    reasons = excluded.reasons, acceptedAt = excluded.acceptedAt, warning = excluded.warning
                """, arguments: [trust.hostPort, trust.pin, trust.subject, trust.issuer, trust.notAfter,
                                 TrustedPin.json(trust.reasons), StoredDate(trust.acceptedAt), trust.warning])
        }
    }

    /// Forgets every pin for `host:port`; returns how many there were.
    @discardableResult
    public func removeTrust(for hostPort: String) throws(StoreError) -> Int {
        let hostPort = HostPortKey.parse(hostPort)
        return try write("remove trust for \(hostPort)") { db in
            try db.execute(sql: "DELETE FROM trust WHERE hostPort = ?", arguments: [hostPort])
            return db.changesCount
        }
    }

    /// Every trust decision, by `host:port`, oldest first within each.
    public func allTrust() throws(StoreError) -> [TrustedPin] {
        try read("read trust") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM trust ORDER BY hostPort, acceptedAt, id").map(TrustedPin.init(row:))
        }
    }

    /// Stops warning about a pin: its certificate now validates. Returns false when no such pin is saved.
    @discardableResult
    public func clearWarning(hostPort: String, pin: String) throws(StoreError) -> Bool {
        let hostPort = HostPortKey.parse(hostPort)
        return try write("update trust for \(hostPort)") { db in
            try db.execute(sql: "UPDATE trust SET warning = 0 WHERE hostPort = ? AND pin = ?", arguments: [hostPort, pin])
            return db.changesCount > 0
        }
    }

    // MARK: Profiles

    /// The profile the gateway at `host:port` last served, whichever saved entry fetched it.
    public func profile(forHostPort hostPort: String) throws(StoreError) -> StoredProfile? {
        let hostPort = HostPortKey.parse(hostPort)
        return try read("read the profile of \(hostPort)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM profile WHERE hostPort = ?", arguments: [hostPort])
                .map(StoredProfile.init(row:))
        }
    }

    /// The profile of a saved gateway's `host:port`; nil for an unknown name.
    public func profile(forGateway name: String) throws(StoreError) -> StoredProfile? {
        guard let url = try gateway(named: name)?.url, let key = HostPortKey.of(url: url) else { return nil }
        return try profile(forHostPort: key)
    }

    /// Saves the gateway's profile, replacing the previous one of the same `host:port`.
    public func saveProfile(_ profile: StoredProfile) throws(StoreError) {
        let key = HostPortKey.parse(profile.hostPort)
        try write("save the profile of \(key)") { db in
            try db.execute(sql: """
                INSERT INTO profile (hostPort, uri, sha1, xml, fetchedAt) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (hostPort) DO UPDATE SET
                    uri = excluded.uri, sha1 = excluded.sha1, xml = excluded.xml, fetchedAt = excluded.fetchedAt
                """, arguments: [key, profile.uri, profile.sha1.uppercased(), profile.xml, StoredDate(profile.fetchedAt)])
        }
    }

    // MARK: History

    /// Records a connection as it starts; returns its id for `finishConnection`.
    public func recordConnection(_ record: ConnectionRecord) throws(StoreError) -> Int64 {
        try write("record a connection") { db in
            try db.execute(sql: """
                INSERT INTO connection (gatewayName, url, startedAt, endedAt, outcome, phaseTimings, transport,
                                        bytesIn, bytesOut)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [record.gatewayName, record.url, StoredDate(record.startedAt),
                                 record.endedAt.map(StoredDate.init), record.outcome,
                                 ConnectionRecord.json(record.phaseTimings), record.transport?.rawValue,
                                 record.bytesIn, record.bytesOut])
            return db.lastInsertedRowID
        }
    }

    /// Completes a recorded connection. `phaseTimings` nil keeps the ones recorded. Returns false for an unknown id.
    @discardableResult
    public func finishConnection(id: Int64, endedAt: Date, outcome: String, transport: ConnectionTransport?,
                                 bytesIn: Int64, bytesOut: Int64,
                                 phaseTimings: [String: Int]? = nil) throws(StoreError) -> Bool {
        try write("finish a connection record") { db in
            try db.execute(sql: """
                UPDATE connection SET endedAt = ?, outcome = ?, transport = ?, bytesIn = ?, bytesOut = ?,
                                      phaseTimings = coalesce(?, phaseTimings)
                WHERE id = ?
                """, arguments: [StoredDate(endedAt), outcome, transport?.rawValue, bytesIn, bytesOut,
                                 phaseTimings.map(ConnectionRecord.json), id])
            return db.changesCount > 0
        }
    }

    /// The latest connections, newest first; only one gateway's when `gateway` is given.
    public func history(limit: Int = 100, gateway: String? = nil) throws(StoreError) -> [ConnectionRecord] {
        try read("read history") { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM connection WHERE ? IS NULL OR gatewayName = ?
                ORDER BY startedAt DESC, id DESC LIMIT ?
                """, arguments: [gateway, gateway, max(limit, 0)]).map(ConnectionRecord.init(row:))
        }
    }

    // MARK: Access

    private func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw StoreError(error, path: path, operation: operation)
        }
    }

    /// One transaction per call: on any error it rolls back, leaving the file as it was.
    private func write<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.write(body)
        } catch {
            throw StoreError(error, path: path, operation: operation)
        }
    }

    private static func fetchGateway(_ db: Database, _ name: String) throws -> Gateway? {
        try Row.fetchOne(db, sql: "SELECT * FROM gateway WHERE name = ?", arguments: [name]).map(Gateway.init(row:))
    }

    private static func gatewayID(_ db: Database, _ name: String) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM gateway WHERE name = ?", arguments: [name]) else {
            throw StoreError.unknownGateway(name: name)
        }
        return id
    }
}
