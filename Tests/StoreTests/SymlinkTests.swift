import Foundation
@testable import Store
import XCTest

/// Issue 13, item 4: under sudo, Swiftgate writes into the user's home as root, so a link the user (or anything
/// running as the user) plants there must never redirect a root write. Each case plants one and checks that
/// opening is refused and the link's target is untouched.
final class SymlinkTests: StoreTestCase {
    private var target: String { directory + "/precious" }

    /// A link like one the user planted: as root, `symlink` makes it root's, so it is given away to nobody.
    private func plantLink(_ path: String, to destination: String) {
        XCTAssertEqual(symlink(destination, path), 0, String(cString: strerror(errno)))
        if geteuid() == 0 { XCTAssertEqual(lchown(path, 65534, 65534), 0) }
    }

    private func writeTarget() throws {
        try Data("precious\n".utf8).write(to: URL(fileURLWithPath: target))
        chmod(target, 0o644)
    }

    private func assertTargetUntouched(file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "precious\n", file: file, line: line)
        XCTAssertEqual(mode(target), 0o644, file: file, line: line)
        var info = stat()
        XCTAssertEqual(stat(target, &info), 0)
        XCTAssertEqual(info.st_uid, geteuid(), "not handed to anyone", file: file, line: line)
    }

    private func assertRefusedForALink(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertTrue(String(describing: error).contains("symbolic link"), "\(error)", file: file, line: line)
        }
    }

    func testALinkAtTheWALPathIsRefused() throws {
        do { try makeStore().saveGateway(Gateway(name: "corp", url: "https://vpn.example.com")) }
        try writeTarget()
        plantLink(databasePath + "-wal", to: target)
        let recorder = ChownRecorder()
        let handover = SudoHandover(userID: 1000, groupID: 1000) { _, path, user, group in recorder.record(path, user, group) }
        assertRefusedForALink { _ = try self.makeStore(handover: handover) }
        try assertTargetUntouched()
        XCTAssertEqual(recorder.calls, [], "nothing handed over")
    }

    func testALinkAtTheSHMPathIsRefused() throws {
        do { try makeStore().saveGateway(Gateway(name: "corp", url: "https://vpn.example.com")) }
        try writeTarget()
        plantLink(databasePath + "-shm", to: target)
        assertRefusedForALink { _ = try self.makeStore() }
        try assertTargetUntouched()
    }

    func testALinkAtTheDatabasePathIsRefused() throws {
        try writeTarget()
        plantLink(databasePath, to: target)
        assertRefusedForALink { _ = try self.makeStore() }
        try assertTargetUntouched()
    }

    func testALinkedDirectoryIsNotFollowed() throws {
        let elsewhere = directory + "/elsewhere"
        XCTAssertEqual(mkdir(elsewhere, 0o755), 0)
        plantLink(directory + "/share", to: elsewhere)
        let recorder = ChownRecorder()
        let handover = SudoHandover(userID: 1000, groupID: 1000) { _, path, user, group in recorder.record(path, user, group) }
        assertRefusedForALink { _ = try self.makeStore(path: self.directory + "/share/swiftgate/swiftgate.sqlite", handover: handover) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: elsewhere), [], "nothing created through the link")
        XCTAssertEqual(recorder.calls, [])
    }

    func testALinkAtTheLogPathIsRefused() throws {
        try writeTarget()
        let logs = directory + "/state/swiftgate"
        XCTAssertEqual(mkdir(directory + "/state", 0o700), 0)
        XCTAssertEqual(mkdir(logs, 0o700), 0)
        plantLink(logs + "/swiftgate.log", to: target)
        assertRefusedForALink { _ = try SafeFiles.openForAppending(directory: logs, name: "swiftgate.log", handover: nil) }
        try assertTargetUntouched()
    }

    func testALinkedLogDirectoryIsNotFollowed() throws {
        let elsewhere = directory + "/elsewhere"
        XCTAssertEqual(mkdir(elsewhere, 0o755), 0)
        plantLink(directory + "/state", to: elsewhere)
        assertRefusedForALink {
            _ = try SafeFiles.openForAppending(directory: self.directory + "/state/swiftgate", name: "swiftgate.log", handover: nil)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: elsewhere), [])
    }

    func testTheLogIsCreatedPrivateAppendedToAndHandedOver() throws {
        let recorder = ChownRecorder()
        let handover = SudoHandover(userID: 1000, groupID: 1001) { _, path, user, group in recorder.record(path, user, group) }
        let logs = directory + "/state/swiftgate"
        for line in ["one\n", "two\n"] {
            let descriptor = try SafeFiles.openForAppending(directory: logs, name: "swiftgate.log", handover: handover)
            XCTAssertEqual(line.withCString { write(descriptor, $0, strlen($0)) }, line.utf8.count)
            close(descriptor)
        }
        XCTAssertEqual(try String(contentsOfFile: logs + "/swiftgate.log", encoding: .utf8), "one\ntwo\n")
        XCTAssertEqual(mode(logs), 0o700)
        XCTAssertEqual(mode(logs + "/swiftgate.log"), 0o600)
        XCTAssertEqual(recorder.calls, [directory + "/state 1000:1001", logs + " 1000:1001", logs + "/swiftgate.log 1000:1001"],
                       "what was created, once")
    }

    func testARootOwnedLinkAboveIsFollowed() throws {
        // /home -> /usr/home and the like: links root made are part of the system, not a user's plant.
        try XCTSkipUnless(geteuid() == 0, "needs root to own the link")
        let elsewhere = directory + "/real"
        XCTAssertEqual(mkdir(elsewhere, 0o755), 0)
        XCTAssertEqual(symlink(elsewhere, directory + "/home"), 0)
        let store = try makeStore(path: directory + "/home/swiftgate/swiftgate.sqlite")
        try store.saveGateway(Gateway(name: "corp", url: "https://vpn.example.com"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: elsewhere + "/swiftgate/swiftgate.sqlite"))
    }
}
