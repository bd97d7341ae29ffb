import Foundation
@testable import Store
import XCTest

final class StoreFilesTests: StoreTestCase {
    func testMissingDirectoriesAreCreatedPrivateAndTheDatabaseIs0600() throws {
        let path = directory + "/share/swiftgate/swiftgate.sqlite"
        let store = try makeStore(path: path)
        try store.saveGateway(Gateway(name: "corp", url: "https://vpn.example.com"))
        XCTAssertEqual(mode(directory + "/share"), 0o700)
        XCTAssertEqual(mode(directory + "/share/swiftgate"), 0o700)
        XCTAssertEqual(mode(path), 0o600)
        XCTAssertEqual(mode(path + "-wal"), 0o600, "WAL mode: the -wal file exists while open")
        XCTAssertEqual(mode(path + "-shm"), 0o600)
    }

    func testAnExistingDatabaseIsTightenedTo0600() throws {
        _ = try makeStore()
        XCTAssertEqual(chmod(databasePath, 0o644), 0)
        _ = try makeStore()
        XCTAssertEqual(mode(databasePath), 0o600)
    }

    func testTwoStoresShareTheFile() throws {
        let tui = try makeStore()
        let cli = try makeStore()
        try cli.saveGateway(Gateway(name: "corp", url: "https://vpn.example.com"))
        XCTAssertEqual(try tui.gateway(named: "corp")?.url, "https://vpn.example.com")
    }

    func testTheSystemSQLiteIsInUse() throws {
        XCTAssertTrue(try makeStore().sqliteVersion().hasPrefix("3."))
    }

    func testAnEmptyFileIsANewDatabase() throws {
        // What an interrupted first run leaves behind.
        XCTAssertTrue(FileManager.default.createFile(atPath: databasePath, contents: Data()))
        let store = try makeStore()
        XCTAssertEqual(try store.gateways(), [])
    }

    func testAParentThatIsAFileIsReported() throws {
        XCTAssertTrue(FileManager.default.createFile(atPath: directory + "/share", contents: Data("x".utf8)))
        let path = directory + "/share/swiftgate/swiftgate.sqlite"
        assertStoreError(.cannotOpen(path: path, reason: "\(directory)/share exists and is not a directory")) {
            _ = try self.makeStore(path: path)
        }
    }

    func testUnderSudoCreatedDirectoriesAndFilesAreHandedToTheUser() throws {
        let recorder = ChownRecorder()
        let handover = SudoHandover(userID: 1000, groupID: 1001) { _, path, user, group in recorder.record(path, user, group) }
        let path = directory + "/share/swiftgate/swiftgate.sqlite"
        do {
            let store = try makeStore(path: path, handover: handover)
            try store.saveGateway(Gateway(name: "corp", url: "https://vpn.example.com"))
        }
        XCTAssertEqual(recorder.calls, [directory + "/share 1000:1001", directory + "/share/swiftgate 1000:1001",
                                        path + " 1000:1001", path + "-wal 1000:1001", path + "-shm 1000:1001"])

        // On the next run only the companions SQLite removed when it closed are made again (by Swiftgate, so that
        // SQLite never creates them through a planted link), and handed over again.
        _ = try makeStore(path: path, handover: handover)
        XCTAssertEqual(Array(recorder.calls.dropFirst(5)), [path + "-wal 1000:1001", path + "-shm 1000:1001"])
    }

    func testAFailedHandoverIsReported() throws {
        let handover = SudoHandover(userID: 1000, groupID: 1000) { _, path, user, group throws(StoreError) in
            throw .cannotHandOver(path: path, userID: user, groupID: group, reason: "Operation not permitted")
        }
        let path = directory + "/sub/swiftgate.sqlite"
        XCTAssertThrowsError(try makeStore(path: path, handover: handover)) { error in
            XCTAssertEqual(error as? StoreError, .cannotHandOver(path: self.directory + "/sub", userID: 1000, groupID: 1000,
                                                                reason: "Operation not permitted"))
            XCTAssertTrue(String(describing: error).contains("sudo chown 1000:1000"))
        }
    }

    func testTheRealFchown() throws {
        let path = directory + "/file"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data()))
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        // Giving a file to its own owner is allowed with or without root, so this runs the real call anywhere.
        XCTAssertNoThrow(try SudoHandover.fchown(descriptor, path: path, userID: geteuid(), groupID: getegid()))
        XCTAssertThrowsError(try SudoHandover.fchown(-1, path: path, userID: 1000, groupID: 1000)) { error in
            XCTAssertEqual(error as? StoreError, .cannotHandOver(path: path, userID: 1000, groupID: 1000,
                                                                reason: "Bad file descriptor"))
        }
    }

    func testHandoverOnlyAsRootUnderSudo() {
        let sudo = ["SUDO_UID": "1000", "SUDO_GID": "1001", "SUDO_USER": "ann"]
        let handover = SudoHandover.fromSudo(environment: sudo, effectiveUserID: 0)
        XCTAssertEqual(handover?.userID, 1000)
        XCTAssertEqual(handover?.groupID, 1001)
        XCTAssertNil(SudoHandover.fromSudo(environment: sudo, effectiveUserID: 1000), "not root: nothing to hand over")
        XCTAssertNil(SudoHandover.fromSudo(environment: [:], effectiveUserID: 0), "plain root")
        XCTAssertNil(SudoHandover.fromSudo(environment: ["SUDO_UID": "0", "SUDO_GID": "0"], effectiveUserID: 0),
                     "sudo from root")
        XCTAssertNil(SudoHandover.fromSudo(environment: ["SUDO_UID": "1000"], effectiveUserID: 0))
        XCTAssertNil(SudoHandover.fromSudo(environment: ["SUDO_UID": "ann", "SUDO_GID": "1000"], effectiveUserID: 0))
    }
}
