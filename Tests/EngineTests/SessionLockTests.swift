@testable import Engine
import Foundation
import Glibc
import XCTest

/// One session per database and tun name; a crashed session is found and undone (issue 13, item 13).
final class SessionLockTests: XCTestCase {
    private func directory() throws -> String {
        let path = NSTemporaryDirectory() + "swiftgate-lock-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testASecondLockOnTheSameTunNameIsAClearError() throws {
        let dir = try directory()
        var first: SessionLock? = try SessionLock.acquire(path: dir + "/tun-vpn0.lock", what: "the tun device vpn0")
        XCTAssertThrowsError(try SessionLock.acquire(path: dir + "/tun-vpn0.lock", what: "the tun device vpn0")) { error in
            let text = (error as? EngineError)?.description ?? ""
            XCTAssertTrue(text.contains("another swiftgate session (pid \(getpid())) is using the tun device vpn0"), text)
            XCTAssertEqual((error as? EngineError)?.exitCode, 2)
        }
        XCTAssertNotNil(first)
        first = nil
        // Released with its holder: the next session may take it.
        XCTAssertNoThrow(try SessionLock.acquire(path: dir + "/tun-vpn0.lock", what: "x"))
    }

    func testASecondSessionOnOneDatabaseIsRefused() throws {
        let dir = try directory()
        let database = dir + "/swiftgate.sqlite"
        XCTAssertTrue(FileManager.default.createFile(atPath: database, contents: Data()))
        let first = try SessionLock.acquireDatabase(path: database)
        XCTAssertThrowsError(try SessionLock.acquireDatabase(path: database)) { error in
            XCTAssertTrue("\(error)".contains("another swiftgate session is using the database"), "\(error)")
        }
        withExtendedLifetime(first) {}
    }

    func testALockFileThatIsASymlinkIsNotFollowed() throws {
        let dir = try directory()
        try FileManager.default.createSymbolicLink(atPath: dir + "/tun-x.lock", withDestinationPath: dir + "/elsewhere")
        XCTAssertThrowsError(try SessionLock.acquire(path: dir + "/tun-x.lock", what: "x"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/elsewhere"))
    }

    func testASessionThatDiedWithoutTeardownIsFoundAndUndone() throws {
        let dir = try directory()
        let record = SessionRecord(pid: getpid(), interface: "swgtest9", script: "env > \(dir)/disconnect-env",
                                   scriptTimeoutSeconds: 5,
                                   environment: ["reason": "disconnect", "TUNDEV": "swgtest9", "INTERNAL_IP4_ADDRESS": "10.9.9.9"],
                                   started: Date(timeIntervalSince1970: 1_700_000_000))
        var file: SessionStateFile? = try SessionStateFile.create(directory: dir, record: record)
        XCTAssertEqual(SessionState.stale(in: dir).count, 0, "a live session is not stale")
        file = nil  // the process "crashes": its lock goes, the file stays
        withExtendedLifetime(file) {}
        let stale = SessionState.stale(in: dir)
        XCTAssertEqual(stale.count, 1)
        XCTAssertEqual(stale.first?.record, record)
        let done = SessionState.clean(stale[0], directory: dir)
        XCTAssertTrue(done.first?.contains("exit 0") ?? false, "\(done)")
        let environment = try String(contentsOfFile: dir + "/disconnect-env", encoding: .utf8)
        XCTAssertTrue(environment.contains("reason=disconnect"), environment)
        XCTAssertTrue(environment.contains("INTERNAL_IP4_ADDRESS=10.9.9.9"), environment)
        XCTAssertEqual(SessionState.stale(in: dir).count, 0, "cleaned up once")
    }
}
