import Foundation
import GRDB
@testable import Store
import XCTest

/// Gives each test its own temporary directory, removed afterwards, and a fixed clock.
class StoreTestCase: XCTestCase {
    private(set) var directory = ""
    let clock = TestClock()

    var databasePath: String { directory + "/swiftgate.sqlite" }

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "swiftgate-store-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func makeStore(path: String? = nil, handover: SudoHandover? = nil) throws -> SwiftgateStore {
        let clock = self.clock
        return try SwiftgateStore(path: path ?? databasePath, handover: handover, now: { clock.now })
    }

    /// A second, read-only connection for looking under the store's API (row counts, columns).
    func inspect<T>(_ path: String? = nil, _ body: (Database) throws -> T) throws -> T {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path ?? databasePath, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read(body)
    }

    func bytes(_ path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path))
    }

    func mode(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_mode & 0o777)
    }

    func date(_ offset: TimeInterval) -> Date {
        Date(timeIntervalSince1970: 1_700_000_000 + offset)
    }

    func assertStoreError(_ expected: StoreError, file: StaticString = #filePath, line: UInt = #line,
                          _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? StoreError, expected, file: file, line: line)
        }
    }
}
