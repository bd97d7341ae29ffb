import TUI
import XCTest

final class ScreenGridTests: XCTestCase {
    func testTextIsClippedAndSnapshotsTrimTrailingSpaces() {
        var grid = ScreenGrid(width: 10, height: 3)
        grid.put("Swiftgate connects", x: 1, y: 0, role: .title)
        grid.put("ok", x: 8, y: 2)
        XCTAssertEqual(grid.text(), " Swiftgate\n\n        ok")
        XCTAssertEqual(grid[1, 0].role, .title)
        grid.put("off-screen", x: 0, y: 5)
        XCTAssertEqual(grid.text(), " Swiftgate\n\n        ok")
    }
}
