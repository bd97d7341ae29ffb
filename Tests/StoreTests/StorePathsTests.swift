import Foundation
import Store
import XCTest

final class StorePathsTests: XCTestCase {
    func testXDGDirectories() {
        let paths = StorePaths.resolve(environment: ["HOME": "/home/ann", "XDG_DATA_HOME": "/data"], homeOf: { _ in nil })
        XCTAssertEqual(paths.databasePath, "/data/swiftgate/swiftgate.sqlite")
        XCTAssertEqual(paths.stateDirectory, "/home/ann/.local/state/swiftgate")
        XCTAssertEqual(paths.themesDirectory, "/home/ann/.config/swiftgate/themes")
    }

    func testRelativeXDGValuesAreIgnored() {
        let paths = StorePaths.resolve(environment: ["HOME": "/home/ann", "XDG_DATA_HOME": "rel"], homeOf: { _ in nil })
        XCTAssertEqual(paths.dataDirectory, "/home/ann/.local/share/swiftgate")
    }

    func testUnderSudoTheInvokingUsersDirectoriesAreUsed() {
        let env = ["HOME": "/root", "SUDO_USER": "ann", "XDG_DATA_HOME": "/root/.local/share"]
        let paths = StorePaths.resolve(environment: env, homeOf: { $0 == "ann" ? "/home/ann" : nil })
        XCTAssertEqual(paths.databasePath, "/home/ann/.local/share/swiftgate/swiftgate.sqlite")
    }
}
