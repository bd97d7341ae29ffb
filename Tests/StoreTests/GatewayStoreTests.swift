import Foundation
import GRDB
@testable import Store
import XCTest

final class GatewayStoreTests: StoreTestCase {
    private func fullGateway(_ name: String = "corp") -> Gateway {
        Gateway(name: name, url: "https://vpn.example.com/eng", defaultGroup: "eng", username: "ann",
                dtlsMode: "psk", source: .profile, profileOrigin: "hq",
                certificatePath: "/home/ann/.certs/ann.pem", keyPath: "/home/ann/.certs/ann.key",
                versionString: "4.10.07061", reportedOS: "win", localHostname: "LAPTOP-7")
    }

    func testGatewayRoundTripsEveryField() throws {
        let store = try makeStore()
        let saved = try store.saveGateway(fullGateway())
        var expected = fullGateway()
        expected.createdAt = clock.now
        expected.updatedAt = clock.now
        XCTAssertEqual(saved, expected)
        XCTAssertEqual(try store.gateway(named: "corp"), expected)
        XCTAssertNil(try store.gateway(named: "other"))
    }

    /// A connect or the interface ends with the store open: the log must not be left for the next open to read.
    func testCheckpointEmptiesTheWriteAheadLogAndKeepsTheWrites() throws {
        let store = try makeStore()
        for index in 0..<20 { try store.saveGateway(Gateway(name: "gw\(index)", url: "https://198.18.0.\(index)")) }
        XCTAssertGreaterThan(try fileSize(databasePath + "-wal"), 0)
        store.checkpoint()
        XCTAssertEqual(try fileSize(databasePath + "-wal"), 0)
        XCTAssertEqual(try inspect { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM gateway") }, 20)
    }

    private func fileSize(_ path: String) throws -> Int {
        try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    }

    func testMinimalGatewayKeepsNils() throws {
        let store = try makeStore()
        try store.saveGateway(Gateway(name: "lab", url: "https://198.18.0.1"))
        let lab = try XCTUnwrap(store.gateway(named: "lab"))
        XCTAssertEqual(lab.source, .manual)
        XCTAssertNil(lab.defaultGroup)
        XCTAssertNil(lab.username)
        XCTAssertNil(lab.dtlsMode)
        XCTAssertNil(lab.profileOrigin)
        XCTAssertNil(lab.certificatePath)
        XCTAssertNil(lab.keyPath)
        XCTAssertNil(lab.versionString)
        XCTAssertNil(lab.reportedOS)
        XCTAssertNil(lab.localHostname)
    }

    /// The reported identity is saved per gateway, and cleared again by saving nil (back to the defaults).
    func testReportedIdentityRoundTripsAndClears() throws {
        let store = try makeStore()
        var gateway = try store.saveGateway(Gateway(name: "asa", url: "https://asa.example.com", versionString: "5.1.6.103",
                                                    reportedOS: "mac-intel", localHostname: "ann-mbp"))
        XCTAssertEqual([gateway.versionString, gateway.reportedOS, gateway.localHostname], ["5.1.6.103", "mac-intel", "ann-mbp"])
        gateway.reportedOS = nil
        gateway.versionString = "4.10.08029"
        try store.saveGateway(gateway)
        let reread = try XCTUnwrap(store.gateway(named: "asa"))
        XCTAssertEqual([reread.versionString, reread.reportedOS, reread.localHostname], ["4.10.08029", nil, "ann-mbp"])
    }

    func testSavingAnExistingNameUpdatesItKeepingCreatedAt() throws {
        let store = try makeStore()
        let created = clock.now
        try store.saveGateway(fullGateway())
        clock.advance(seconds: 60)
        var changed = fullGateway()
        changed.url = "https://vpn2.example.com"
        changed.username = nil
        let saved = try store.saveGateway(changed)
        XCTAssertEqual(saved.url, "https://vpn2.example.com")
        XCTAssertNil(saved.username)
        XCTAssertEqual(saved.createdAt, created)
        XCTAssertEqual(saved.updatedAt, clock.now)
        XCTAssertEqual(try store.gateways().count, 1, "the name is unique: a save by name never duplicates")
    }

    func testNameIsUniqueInTheSchema() throws {
        try makeStore().saveGateway(fullGateway())
        var configuration = Configuration()
        configuration.busyMode = .timeout(1)
        let queue = try DatabaseQueue(path: databasePath, configuration: configuration)
        defer { try? queue.close() }
        XCTAssertThrowsError(try queue.write { db in
            try db.execute(sql: """
                INSERT INTO gateway (name, url, source, createdAt, updatedAt) VALUES ('corp', 'x', 'manual', 0, 0)
                """)
        })
    }

    func testGatewaysAreListedByName() throws {
        let store = try makeStore()
        for name in ["zeta", "Alpha", "beta"] {
            try store.saveGateway(Gateway(name: name, url: "https://\(name).example"))
        }
        XCTAssertEqual(try store.gateways().map(\.name), ["Alpha", "beta", "zeta"])
    }

    func testSetDefaultGroup() throws {
        let store = try makeStore()
        try store.saveGateway(fullGateway())
        clock.advance(seconds: 5)
        try store.setDefaultGroup("ops", forGateway: "corp")
        let corp = try XCTUnwrap(store.gateway(named: "corp"))
        XCTAssertEqual(corp.defaultGroup, "ops")
        XCTAssertEqual(corp.updatedAt, clock.now)
        try store.setDefaultGroup(nil, forGateway: "corp")
        XCTAssertNil(try store.gateway(named: "corp")?.defaultGroup)
        assertStoreError(.unknownGateway(name: "nope")) { try store.setDefaultGroup("x", forGateway: "nope") }
    }

    func testGroupAliasesRoundTripInServerOrder() throws {
        let store = try makeStore()
        try store.saveGateway(fullGateway())
        let aliases = [GroupAlias(value: "zz-eng", label: "Engineering", isDefault: true, seenAt: date(1)),
                       GroupAlias(value: "aa-ops", label: "Operations", seenAt: date(2))]
        try store.replaceGroupAliases(aliases, forGateway: "corp")
        XCTAssertEqual(try store.groupAliases(forGateway: "corp"), aliases)
        XCTAssertEqual(try store.groupAliases(forGateway: "other"), [])
    }

    func testReplacingGroupAliasesReplacesTheWholeSet() throws {
        let store = try makeStore()
        try store.saveGateway(fullGateway())
        try store.saveGateway(Gateway(name: "lab", url: "https://lab"))
        let labAliases = [GroupAlias(value: "lab", label: "Lab", seenAt: date(0))]
        try store.replaceGroupAliases(labAliases, forGateway: "lab")
        try store.replaceGroupAliases(["a", "b", "c"].map { GroupAlias(value: $0, label: $0, seenAt: date(0)) },
                                      forGateway: "corp")
        let next = [GroupAlias(value: "c", label: "C", isDefault: true, seenAt: date(9)),
                    GroupAlias(value: "d", label: "D", seenAt: date(9)),
                    GroupAlias(value: "c", label: "again", seenAt: date(9))]
        try store.replaceGroupAliases(next, forGateway: "corp")
        XCTAssertEqual(try store.groupAliases(forGateway: "corp"), Array(next.prefix(2)),
                       "the new set, in order, a repeated value kept once")
        XCTAssertEqual(try store.groupAliases(forGateway: "lab"), labAliases, "other gateways' aliases untouched")
        try store.replaceGroupAliases([], forGateway: "corp")
        XCTAssertEqual(try store.groupAliases(forGateway: "corp"), [])
        assertStoreError(.unknownGateway(name: "nope")) { try store.replaceGroupAliases(next, forGateway: "nope") }
    }

    func testAFailedReplaceKeepsThePreviousAliases() throws {
        let store = try makeStore()
        try store.saveGateway(fullGateway())
        let before = [GroupAlias(value: "a", label: "A", seenAt: date(0)), GroupAlias(value: "b", label: "B", seenAt: date(0))]
        try store.replaceGroupAliases(before, forGateway: "corp")
        // Make the second insert fail, after the old set was deleted inside the transaction.
        let queue = try DatabaseQueue(path: databasePath)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TRIGGER refuse_boom BEFORE INSERT ON group_alias WHEN NEW.value = 'boom'
                BEGIN SELECT RAISE(ABORT, 'refused by test'); END
                """)
        }
        try queue.close()
        XCTAssertThrowsError(try store.replaceGroupAliases(
            [GroupAlias(value: "new", label: "New", seenAt: date(1)), GroupAlias(value: "boom", label: "x", seenAt: date(1))],
            forGateway: "corp")) { error in
            guard case .failed(let path, _, let reason)? = error as? StoreError else {
                return XCTFail("expected .failed, got \(error)")
            }
            XCTAssertEqual(path, self.databasePath)
            XCTAssertTrue(reason.contains("refused by test"), reason)
        }
        XCTAssertEqual(try store.groupAliases(forGateway: "corp"), before)
    }

    func testProfileRoundTripsAndIsReplaced() throws {
        let store = try makeStore()
        try store.saveGateway(fullGateway())
        XCTAssertNil(try store.profile(forGateway: "corp"))
        let first = StoredProfile(hostPort: "vpn.example.com:443", uri: "/profiles/corp.xml",
                                  sha1: "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3", xml: "<AnyConnectProfile/>",
                                  fetchedAt: date(10))
        XCTAssertEqual(first.sha1, "A94A8FE5CCB19BA61C4C0873D391E987982FBBD3")
        try store.saveProfile(first)
        XCTAssertEqual(try store.profile(forGateway: "corp"), first)
        let second = StoredProfile(hostPort: "vpn.example.com:443", uri: "/profiles/corp2.xml",
                                   sha1: "0000000000000000000000000000000000000001", xml: "<AnyConnectProfile>2</AnyConnectProfile>",
                                   fetchedAt: date(20))
        try store.saveProfile(second)
        XCTAssertEqual(try store.profile(forGateway: "corp"), second)
        XCTAssertEqual(try inspect { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM profile") }, 1)
    }

    /// Issue 13, item 16: the profile belongs to the gateway (host:port), so every saved entry for it sees it.
    func testEveryEntryForTheSameGatewaySharesItsProfile() throws {
        let store = try makeStore()
        try store.saveGateway(Gateway(name: "corp", url: "https://vpn.example.com/eng"))
        try store.saveGateway(Gateway(name: "corp-sales", url: "https://VPN.example.com./sales"))
        try store.saveGateway(Gateway(name: "other", url: "https://vpn.example.com:8443/"))
        let profile = StoredProfile(hostPort: "vpn.example.com:443", uri: "/p.xml", sha1: "AB", xml: "<x/>", fetchedAt: date(0))
        try store.saveProfile(profile)
        XCTAssertEqual(try store.profile(forGateway: "corp-sales"), profile)
        XCTAssertEqual(try store.profile(forHostPort: "Vpn.Example.Com.:443"), profile)
        XCTAssertNil(try store.profile(forGateway: "other"), "another port is another gateway")
    }

    func testRemovingAGatewayRemovesItsAliasesAndProfileButNotHistory() throws {
        let store = try makeStore()
        try store.saveGateway(fullGateway())
        try store.saveGateway(Gateway(name: "lab", url: "https://lab"))
        try store.saveGateway(Gateway(name: "lab-too", url: "https://lab:443/other"))
        for name in ["corp", "lab"] {
            try store.replaceGroupAliases([GroupAlias(value: "g", label: "G", seenAt: date(0))], forGateway: name)
        }
        for key in ["vpn.example.com:443", "lab:443"] {
            try store.saveProfile(StoredProfile(hostPort: key, uri: "/p.xml", sha1: "AB", xml: "<x/>", fetchedAt: date(0)))
        }
        _ = try store.recordConnection(ConnectionRecord(gatewayName: "corp", url: "https://vpn.example.com", startedAt: date(0)))

        XCTAssertTrue(try store.removeGateway(named: "corp"))
        XCTAssertFalse(try store.removeGateway(named: "corp"))
        XCTAssertNil(try store.gateway(named: "corp"))
        XCTAssertEqual(try inspect { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM group_alias") }, 1)
        XCTAssertEqual(try inspect { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM profile") }, 1)
        XCTAssertEqual(try store.groupAliases(forGateway: "lab").count, 1)
        XCTAssertTrue(try store.removeGateway(named: "lab"))
        XCTAssertNotNil(try store.profile(forGateway: "lab-too"), "another entry for the same gateway keeps it")
        XCTAssertEqual(try store.history().map(\.gatewayName), ["corp"])
    }

    func testNoColumnCanHoldAPasswordOrACookie() throws {
        _ = try makeStore()
        let columns = try inspect { db in
            try String.fetchAll(db, sql: """
                SELECT m.name || '.' || p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
                WHERE m.type = 'table'
                """)
        }
        XCTAssertTrue(columns.contains("gateway.username"), "the query sees the columns: \(columns)")
        for column in columns {
            for word in ["password", "passwd", "cookie", "secret", "token", "session"] {
                XCTAssertFalse(column.lowercased().contains(word), "\(column) looks like it holds a \(word)")
            }
        }
    }
}
