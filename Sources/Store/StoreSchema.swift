import Foundation
internal import GRDB

/// The database's schema as named, append-only migrations, and the check an existing file passes before the store
/// writes to it (DESIGN.md §4: a newer or damaged database is reported, never silently rewritten).
///
/// To change the schema, append a migration ("v2", …) and never edit one that has shipped: databases in the field
/// have already run it. StoreMigrationTests then asks for a fixture step for the new version.
enum StoreSchema {
    /// SQLite's application_id header field, "SWGT": marks the file as Swiftgate's for any tool that looks.
    static let applicationID: Int32 = 0x5357_4754

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            // No column anywhere for a password or a session cookie: they are never stored (DESIGN.md §6).
            try db.execute(sql: """
                CREATE TABLE gateway (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE,
                    url TEXT NOT NULL,
                    defaultGroup TEXT,
                    username TEXT,
                    dtlsMode TEXT,
                    source TEXT NOT NULL CHECK (source IN ('manual', 'profile')),
                    profileOrigin TEXT,
                    certificatePath TEXT,
                    keyPath TEXT,
                    createdAt DATETIME NOT NULL,
                    updatedAt DATETIME NOT NULL
                );
                CREATE TABLE group_alias (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    gatewayId INTEGER NOT NULL REFERENCES gateway(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    value TEXT NOT NULL,
                    label TEXT NOT NULL,
                    isDefault BOOLEAN NOT NULL,
                    seenAt DATETIME NOT NULL,
                    UNIQUE (gatewayId, value)
                );
                CREATE TABLE trust (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    hostPort TEXT NOT NULL,
                    pin TEXT NOT NULL CHECK (pin LIKE 'pin-sha256:%'),
                    subject TEXT,
                    issuer TEXT,
                    notAfter TEXT,
                    reasons TEXT NOT NULL DEFAULT '[]',
                    acceptedAt DATETIME NOT NULL,
                    warning BOOLEAN NOT NULL,
                    UNIQUE (hostPort, pin)
                );
                CREATE TABLE profile (
                    gatewayId INTEGER PRIMARY KEY REFERENCES gateway(id) ON DELETE CASCADE,
                    uri TEXT NOT NULL,
                    sha1 TEXT NOT NULL,
                    xml TEXT NOT NULL,
                    fetchedAt DATETIME NOT NULL
                );
                CREATE TABLE connection (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    gatewayName TEXT,
                    url TEXT NOT NULL,
                    startedAt DATETIME NOT NULL,
                    endedAt DATETIME,
                    outcome TEXT NOT NULL,
                    phaseTimings TEXT NOT NULL DEFAULT '{}',
                    transport TEXT CHECK (transport IN ('tls', 'dtls')),
                    bytesIn INTEGER NOT NULL DEFAULT 0,
                    bytesOut INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX connection_on_startedAt ON connection(startedAt);
                CREATE INDEX connection_on_gatewayName ON connection(gatewayName);
                """)
        }
        migrator.registerMigration("v2-profile-origin") { db in try migrateToProfileOrigin(db) }
        migrator.registerMigration("v2-reported-identity") { db in
            // What Swiftgate tells this gateway it is (issue 10, item 9: DAP rules on ASAs match on them); NULL
            // means the built-in default, so a later default reaches every gateway that did not pin one.
            try db.execute(sql: """
                ALTER TABLE gateway ADD COLUMN versionString TEXT;
                ALTER TABLE gateway ADD COLUMN reportedOS TEXT;
                ALTER TABLE gateway ADD COLUMN localHostname TEXT;
                """)
        }
        migrator.registerMigration("v3-network-overrides") { db in
            // The user's split tunnel and DNS per gateway (issue 14, item 4), one value a line; NULL: as pushed.
            try db.execute(sql: """
                ALTER TABLE gateway ADD COLUMN includeRoutes TEXT;
                ALTER TABLE gateway ADD COLUMN excludeRoutes TEXT;
                ALTER TABLE gateway ADD COLUMN vpnDNSDomains TEXT;
                """)
        }
        return migrator
    }

    /// Issue 13, items 1, 10 and 16: profiles are kept per gateway `host:port` (not per saved name), a profile
    /// entry's origin is that `host:port` (not a saved name, which the user may rename or reuse), and trust keys
    /// take `HostPortKey`'s one spelling, so `VPN.example.com.` and `vpn.example.com` share their pins.
    private static func migrateToProfileOrigin(_ db: Database) throws {
        let profiles = try Row.fetchAll(db, sql: """
            SELECT gateway.url AS url, profile.* FROM profile JOIN gateway ON gateway.id = profile.gatewayId
            ORDER BY profile.fetchedAt
            """)
        try db.execute(sql: """
            DROP TABLE profile;
            CREATE TABLE profile (
                hostPort TEXT PRIMARY KEY,
                uri TEXT NOT NULL,
                sha1 TEXT NOT NULL,
                xml TEXT NOT NULL,
                fetchedAt DATETIME NOT NULL
            );
            """)
        for row in profiles {
            guard let key = HostPortKey.of(url: row["url"]) else { continue }
            // Two names for one gateway: the profile fetched last wins (rows come oldest first).
            try db.execute(sql: """
                INSERT OR REPLACE INTO profile (hostPort, uri, sha1, xml, fetchedAt) VALUES (?, ?, ?, ?, ?)
                """, arguments: [key, row["uri"] as String, row["sha1"] as String, row["xml"] as String,
                                 row["fetchedAt"] as StoredDate])
        }

        let origins = try Row.fetchAll(db, sql: """
            SELECT entry.id AS id, origin.url AS url FROM gateway entry JOIN gateway origin
            ON origin.name = entry.profileOrigin WHERE entry.source = 'profile'
            """)
        for row in origins {
            guard let key = HostPortKey.of(url: row["url"]) else { continue }
            try db.execute(sql: "UPDATE gateway SET profileOrigin = ? WHERE id = ?", arguments: [key, row["id"] as Int64])
        }

        for row in try Row.fetchAll(db, sql: "SELECT id, hostPort FROM trust") {
            let old: String = row["hostPort"]
            let key = HostPortKey.parse(old)
            guard key != old else { continue }
            let id: Int64 = row["id"]
            // The same pin already saved under the canonical key: keep that one.
            try db.execute(sql: "UPDATE OR IGNORE trust SET hostPort = ? WHERE id = ?", arguments: [key, id])
            try db.execute(sql: "DELETE FROM trust WHERE id = ? AND hostPort = ?", arguments: [id, old])
        }
    }

    /// Reads an existing file without writing anything: no migration, no journal-mode change, no checkpoint, and no
    /// -wal/-shm left beside it. Throws when the store must not open the file.
    static func inspect(path: String) throws(StoreError) {
        // A read-only connection to a WAL database creates -wal and -shm and cannot remove them. When neither
        // exists, no other connection has the file open, so it can be read as immutable: no locks, no companions.
        if !StoreFiles.databaseFiles(path).dropFirst().contains(where: StoreFiles.exists) {
            let before = StoreFiles.identity(path)
            let verdict = Result { () throws(StoreError) in try inspect(path: path, immutable: true) }
            // Unless another process opened and wrote the file meanwhile, or this SQLite does not take URI
            // filenames (it then cannot open one); then read it again, with locks.
            let cannotOpen = if case .failure(.cannotOpen) = verdict { true } else { false }
            if !cannotOpen, StoreFiles.identity(path) == before, !StoreFiles.exists(path + "-wal") {
                return try verdict.get()
            }
        }
        try inspect(path: path, immutable: false)
    }

    private static func inspect(path: String, immutable: Bool) throws(StoreError) {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "swiftgate.inspect"
        // Another process may be closing the file (its last connection checkpoints and removes the log under an
        // exclusive lock): wait as a write would, instead of calling the file busy at once.
        configuration.busyMode = .timeout(SwiftgateStore.busyTimeout)
        let verdict: StoreError?
        do {
            // GRDB reads sqlite_master while opening, so a file that is not SQLite fails here with SQLITE_NOTADB.
            let queue = try DatabaseQueue(path: immutable ? immutableURI(path) : path, configuration: configuration)
            defer { try? queue.close() }
            verdict = try queue.read { db in try check(db, path: path) }
        } catch {
            throw StoreError(error, path: path, operation: "read the database")
        }
        if let verdict { throw verdict }
    }

    /// An SQLite URI filename (the system library accepts them) with the characters URIs reserve escaped.
    private static func immutableURI(_ path: String) -> String {
        var escaped = ""
        for character in path {
            switch character {
            case "%": escaped += "%25"
            case "?": escaped += "%3f"
            case "#": escaped += "%23"
            default: escaped.append(character)
            }
        }
        return "file:" + escaped + "?mode=ro&immutable=1"
    }

    private static func check(_ db: Database, path: String) throws -> StoreError? {
        // quick_check walks every page: it catches truncation and garbage that reading the schema alone misses.
        let problems = try String.fetchAll(db, sql: "PRAGMA quick_check")
        if problems != ["ok"] {
            return .damaged(path: path, reason: problems.prefix(3).joined(separator: "; "))
        }
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        if applicationID != 0 && applicationID != Self.applicationID {
            return .notSwiftgate(path: path)
        }
        if try db.tableExists("grdb_migrations") {
            let migrator = Self.migrator
            let unknown = try migrator.appliedIdentifiers(db).subtracting(migrator.migrations)
            return unknown.isEmpty ? nil : .newerSchema(path: path, unknown: unknown.sorted())
        }
        // No migrations yet: fine when empty (a file made by an interrupted first run), not when it holds tables.
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
        return tables.isEmpty ? nil : .notSwiftgate(path: path)
    }
}
