import Foundation
import GRDB
import Synchronization
@testable import Store
import XCTest

final class StoreMigrationTests: StoreTestCase {
    /// One step per migration that ever shipped, in order. `seed` writes what a database at that version could hold,
    /// in that version's own SQL (frozen: never update it to a later schema); `verify` checks that the current
    /// store still presents it. Adding migration v2 means appending one step here.
    private struct HistoricalStep {
        var migration: String
        var seed: (Database) throws -> Void
        var verify: (SwiftgateStore) throws -> Void
    }

    private var historicalSteps: [HistoricalStep] {
        [
            HistoricalStep(migration: "v1", seed: { db in
                try db.execute(sql: """
                    INSERT INTO gateway (id, name, url, defaultGroup, username, dtlsMode, source, profileOrigin,
                                         certificatePath, keyPath, createdAt, updatedAt)
                    VALUES (1, 'corp', 'https://vpn.example.com', 'eng', 'ann', 'psk', 'manual', NULL, NULL, NULL,
                            '2025-01-02 03:04:05.000', '2025-01-02 03:04:06.000'),
                           (2, 'HQ West', 'https://west.example.com/', NULL, NULL, NULL, 'profile', 'corp', NULL, NULL,
                            '2025-01-02 03:04:05.000', '2025-01-02 03:04:06.000');
                    INSERT INTO group_alias (gatewayId, position, value, label, isDefault, seenAt)
                    VALUES (1, 0, 'eng', 'Engineering', 1, '2025-01-02 03:04:05.000');
                    INSERT INTO trust (hostPort, pin, subject, issuer, notAfter, reasons, acceptedAt, warning)
                    VALUES ('vpn.example.com:443', 'pin-sha256:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=',
                            'CN=vpn', 'CN=ca', '2030-01-01', '["self-signed certificate"]',
                            '2025-01-02 03:04:05.000', 1),
                           ('VPN.Example.com.:443', 'pin-sha256:AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=',
                            'CN=vpn', 'CN=ca', '2031-01-01', '[]', '2025-01-02 03:04:05.000', 0);
                    INSERT INTO profile (gatewayId, uri, sha1, xml, fetchedAt)
                    VALUES (1, '/p.xml', 'ABCDEF', '<AnyConnectProfile/>', '2025-01-02 03:04:05.000');
                    INSERT INTO connection (gatewayName, url, startedAt, endedAt, outcome, phaseTimings, transport,
                                            bytesIn, bytesOut)
                    VALUES ('corp', 'https://vpn.example.com', '2025-01-02 03:04:05.000', '2025-01-02 04:00:00.000',
                            'disconnected', '{"tls":40}', 'dtls', 100, 200);
                    """)
            }, verify: { store in
                let corp = try XCTUnwrap(store.gateway(named: "corp"))
                XCTAssertEqual([corp.url, corp.defaultGroup, corp.username, corp.dtlsMode],
                               ["https://vpn.example.com", "eng", "ann", "psk"])
                XCTAssertEqual(try store.groupAliases(forGateway: "corp").map(\.label), ["Engineering"])
                let trust = try store.trustedPins(for: "vpn.example.com:443")
                XCTAssertEqual(trust.map(\.reasons), [["self-signed certificate"], []], "v2 merges the host's spellings")
                XCTAssertEqual(trust.map(\.warning), [true, false])
                XCTAssertEqual(try store.gateway(named: "HQ West")?.profileOrigin, "vpn.example.com:443",
                               "v2: the origin is the host:port of the gateway named before")
                XCTAssertEqual(try store.profile(forGateway: "corp")?.xml, "<AnyConnectProfile/>")
                let last = try XCTUnwrap(store.history().first)
                XCTAssertEqual(last.phaseTimings, ["tls": 40])
                XCTAssertEqual(last.transport, .dtls)
                XCTAssertEqual(last.bytesOut, 200)
            }),
            HistoricalStep(migration: "v2-profile-origin", seed: { db in
                try db.execute(sql: """
                    INSERT INTO gateway (name, url, source, profileOrigin, createdAt, updatedAt)
                    VALUES ('lab', 'https://lab.example:4443/', 'manual', NULL,
                            '2025-02-02 03:04:05.000', '2025-02-02 03:04:05.000'),
                           ('Lab East', 'https://east.lab.example/', 'profile', 'lab.example:4443',
                            '2025-02-02 03:04:05.000', '2025-02-02 03:04:05.000');
                    INSERT INTO profile (hostPort, uri, sha1, xml, fetchedAt)
                    VALUES ('lab.example:4443', '/lab.xml', 'CDEF', '<AnyConnectProfile>lab</AnyConnectProfile>',
                            '2025-02-02 03:04:05.000');
                    """)
            }, verify: { store in
                XCTAssertEqual(try store.profile(forGateway: "lab")?.sha1, "CDEF")
                XCTAssertEqual(try store.gateway(named: "Lab East")?.profileOrigin, "lab.example:4443")
            }),
            HistoricalStep(migration: "v2-reported-identity", seed: { db in
                try db.execute(sql: """
                    INSERT INTO gateway (name, url, source, createdAt, updatedAt, versionString, reportedOS,
                                         localHostname)
                    VALUES ('asa', 'https://asa.example.com', 'manual', '2025-02-01 00:00:00.000',
                            '2025-02-01 00:00:00.000', '4.10.07061', 'win', 'LAPTOP-7');
                    """)
            }, verify: { store in
                let asa = try XCTUnwrap(store.gateway(named: "asa"))
                XCTAssertEqual([asa.versionString, asa.reportedOS, asa.localHostname], ["4.10.07061", "win", "LAPTOP-7"])
                let corp = try XCTUnwrap(store.gateway(named: "corp"))
                XCTAssertEqual([corp.versionString, corp.reportedOS, corp.localHostname], [nil, nil, nil],
                               "a gateway saved before v2 reports the defaults")
            }),
            HistoricalStep(migration: "v3-network-overrides", seed: { db in
                try db.execute(sql: """
                    INSERT INTO gateway (name, url, source, createdAt, updatedAt, includeRoutes, excludeRoutes,
                                         vpnDNSDomains)
                    VALUES ('split', 'https://split.example.com', 'manual', '2025-03-01 00:00:00.000',
                            '2025-03-01 00:00:00.000', '10.60.0.0/16' || char(10) || '2001:db8:60::/48',
                            '10.50.0.0/16', 'corp.example.com');
                    """)
            }, verify: { store in
                let split = try XCTUnwrap(store.gateway(named: "split"))
                XCTAssertEqual(split.includeRoutes, ["10.60.0.0/16", "2001:db8:60::/48"])
                XCTAssertEqual(split.excludeRoutes, ["10.50.0.0/16"])
                XCTAssertEqual(split.vpnDNSDomains, ["corp.example.com"])
                let corp = try XCTUnwrap(store.gateway(named: "corp"))
                XCTAssertEqual([corp.includeRoutes, corp.excludeRoutes, corp.vpnDNSDomains], [[], [], []],
                               "a gateway saved before v3 has no overrides: as pushed")
            }),
        ]
    }

    func testEveryMigrationHasAHistoricalStep() {
        XCTAssertEqual(historicalSteps.map(\.migration), StoreSchema.migrator.migrations,
                       "a new migration needs a step in historicalSteps that seeds data at that version")
    }

    /// For each version that shipped: build a database as that version left it (data written at every version up
    /// to it), then open it with this build. It must migrate forward and keep everything.
    func testADatabaseFromEveryEarlierVersionOpensAndKeepsItsData() throws {
        let migrator = StoreSchema.migrator
        for last in historicalSteps.indices {
            let path = directory + "/at-\(historicalSteps[last].migration).sqlite"
            let pool = try DatabasePool(path: path)
            for step in historicalSteps[...last] {
                try migrator.migrate(pool, upTo: step.migration)
                try pool.write(step.seed)
            }
            try pool.close()

            do {
                let store = try makeStore(path: path)
                for step in historicalSteps[...last] {
                    try step.verify(store)
                }
            }
            XCTAssertEqual(try inspect(path) { db in try migrator.appliedMigrations(db) }, migrator.migrations)
        }
    }

    func testReopeningKeepsData() throws {
        do {
            try makeStore().saveGateway(Gateway(name: "corp", url: "https://vpn.example.com"))
        }
        XCTAssertEqual(try makeStore().gateways().map(\.name), ["corp"])
    }

    func testAPathWithURICharactersReopens() throws {
        // The check before opening reads the file through an SQLite URI, where ?, # and % mean something.
        let path = directory + "/odd?name#with%20.sqlite"
        do {
            try makeStore(path: path).saveGateway(Gateway(name: "corp", url: "https://vpn.example.com"))
        }
        XCTAssertEqual(try makeStore(path: path).gateways().map(\.name), ["corp"])
        // Refusal leaves no -wal/-shm only when that URI read worked (a locked read-only read would leave them).
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v9-from-the-future')") }
        try queue.close()
        try assertRefusedUntouched(.newerSchema(path: path, unknown: ["v9-from-the-future"]), path: path)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["odd?name#with%20.sqlite"])
    }

    func testTheFileIsMarkedAsSwiftgates() throws {
        _ = try makeStore()
        XCTAssertEqual(try inspect { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") }, StoreSchema.applicationID)
        XCTAssertEqual(try inspect { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }, "wal")
    }

    func testADatabaseFromANewerSwiftgateIsRefusedUntouched() throws {
        do {
            try makeStore().saveGateway(Gateway(name: "corp", url: "https://vpn.example.com"))
        }
        let queue = try DatabaseQueue(path: databasePath)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')")
        }
        try queue.close()
        try assertRefusedUntouched(.newerSchema(path: databasePath, unknown: ["v9-from-the-future"]))
    }

    func testRandomBytesAreRefusedUntouched() throws {
        var random = SystemRandomNumberGenerator()
        let noise = Data("not a database at all\n".utf8) + Data((0..<8192).map { _ in UInt8.random(in: 0...255, using: &random) })
        try noise.write(to: URL(fileURLWithPath: databasePath))
        try assertRefusedDamaged()
    }

    func testATruncatedDatabaseIsRefusedUntouched() throws {
        do {
            let store = try makeStore()
            for index in 0..<400 {
                _ = try store.recordConnection(ConnectionRecord(gatewayName: "corp", url: "https://vpn.example.com",
                                                                startedAt: date(Double(index)),
                                                                outcome: String(repeating: "x", count: 200)))
            }
        }
        let whole = try bytes(databasePath)
        XCTAssertGreaterThan(whole.count, 16 * 4096, "enough pages that cutting the file loses some")
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: databasePath))
        try assertRefusedDamaged()
    }

    func testAnotherProgramsDatabaseIsRefusedUntouched() throws {
        let queue = try DatabaseQueue(path: databasePath)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE photo (id INTEGER PRIMARY KEY, caption TEXT); INSERT INTO photo VALUES (1, 'x')")
        }
        try queue.close()
        try assertRefusedUntouched(.notSwiftgate(path: databasePath))

        let other = directory + "/other-app.sqlite"
        let marked = try DatabaseQueue(path: other)
        try marked.write { db in try db.execute(sql: "PRAGMA application_id = 42") }
        try marked.close()
        try assertRefusedUntouched(.notSwiftgate(path: other), path: other)
    }

    func testEveryOpeningErrorSaysWhatToDo() {
        let path = "/home/ann/.local/share/swiftgate/swiftgate.sqlite"
        let advice: [(StoreError, String)] = [
            (.newerSchema(path: path, unknown: ["v2"]), "Upgrade Swiftgate"),
            (.damaged(path: path, reason: "file is not a database"), "Move it aside"),
            (.notSwiftgate(path: path), "--db PATH"),
            (.cannotOpen(path: path, reason: "Permission denied"), "chown"),
            (.busy(path: path), "Try again"),
            (.failed(path: path, operation: "save gateway corp", reason: "disk I/O error"), "Nothing already saved was lost"),
            (.unknownGateway(name: "corp"), "swiftgate gateways list"),
            (.invalidPin("x"), "pin-sha256:"),
        ]
        for (error, hint) in advice {
            XCTAssertTrue(error.description.contains(hint), "\(error) should say: \(hint)")
        }
    }

    // MARK: Helpers

    private func assertRefusedDamaged(file: StaticString = #filePath, line: UInt = #line) throws {
        try assertRefused(path: databasePath, file: file, line: line) { error in
            guard case .damaged(let path, let reason) = error else {
                return XCTFail("expected .damaged, got \(error)", file: file, line: line)
            }
            XCTAssertEqual(path, self.databasePath, file: file, line: line)
            XCTAssertFalse(reason.isEmpty, file: file, line: line)
        }
    }

    private func assertRefusedUntouched(_ expected: StoreError, path: String? = nil,
                                        file: StaticString = #filePath, line: UInt = #line) throws {
        try assertRefused(path: path ?? databasePath, file: file, line: line) { error in
            XCTAssertEqual(error, expected, file: file, line: line)
        }
    }

    /// Opens the store on a file that must be refused, and checks that neither the file nor its directory changed.
    private func assertRefused(path: String, file: StaticString, line: UInt, _ check: (StoreError) -> Void) throws {
        let before = try bytes(path)
        let modeBefore = mode(path)
        let listingBefore = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        XCTAssertThrowsError(try makeStore(path: path), file: file, line: line) { error in
            guard let error = error as? StoreError else {
                return XCTFail("not a StoreError: \(error)", file: file, line: line)
            }
            check(error)
        }
        XCTAssertEqual(try bytes(path), before, "the file's bytes are unchanged", file: file, line: line)
        XCTAssertEqual(mode(path), modeBefore, file: file, line: line)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory).sorted(), listingBefore,
                       "no -wal/-shm or other file left behind", file: file, line: line)
    }

    /// Two front ends started at once on a new database (the interface and `status`, as the service test does)
    /// each migrate it: one at a time, so neither runs a migration the other has applied ("duplicate column").
    func testStoresOpenedAtOnceOnANewFileAllMigrateIt() throws {
        for round in 0..<5 {
            let path = directory + "/race-\(round).sqlite"
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 6) { _ in
                do {
                    _ = try SwiftgateStore(path: path, handover: nil)
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            XCTAssertEqual(failures.withLock { $0 }, [], "round \(round)")
            XCTAssertEqual(try makeStore(path: path).gateways().count, 0)
        }
    }
}

/// Issue 14, item 4: the overrides are saved and read back, and emptied again.
final class NetworkOverridesStoreTests: StoreTestCase {
    func testOverridesRoundTrip() throws {
        let store = try makeStore()
        var gateway = Gateway(name: "corp", url: "https://vpn.example.com")
        gateway.includeRoutes = ["10.60.0.0/16"]
        gateway.excludeRoutes = ["10.50.0.0/16", "2001:db8:50::/48"]
        gateway.vpnDNSDomains = ["corp.example.com", "example.net"]
        try store.saveGateway(gateway)
        let saved = try XCTUnwrap(store.gateway(named: "corp"))
        XCTAssertEqual(saved.includeRoutes, ["10.60.0.0/16"])
        XCTAssertEqual(saved.excludeRoutes, ["10.50.0.0/16", "2001:db8:50::/48"])
        XCTAssertEqual(saved.vpnDNSDomains, ["corp.example.com", "example.net"])
        gateway.excludeRoutes = []
        try store.saveGateway(gateway)
        XCTAssertEqual(try store.gateway(named: "corp")?.excludeRoutes, [])
        XCTAssertEqual(try store.gateway(named: "corp")?.includeRoutes, ["10.60.0.0/16"])
    }
}
