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

    func testControlCharactersFromAGatewayNeverReachTheTerminal() {
        // A banner with ESC sequences and CR (issue 13, item 6): each control becomes a replacement glyph.
        var grid = ScreenGrid(width: 12, height: 1)
        grid.put("a\u{1b}[2Jb\r\u{9b}c", x: 0, y: 0)
        XCTAssertEqual(grid.text(), "a\u{FFFD}[2Jb\u{FFFD}\u{FFFD}c")
    }

    func testSpansLimitsFillAndPaint() {
        var grid = ScreenGrid(width: 8, height: 2)
        let end = grid.put([Span("ab", .label), Span("cdef", .statusOK)], x: -1, y: 0, limit: 4)
        XCTAssertEqual(end, 4)
        XCTAssertEqual(grid.text(), "bcde\n")
        XCTAssertEqual(grid[0, 0].role, .label)
        XCTAssertEqual(grid[1, 0].role, .statusOK)
        grid.fill(Rect(x: 6, y: 0, width: 5, height: 5), with: "#", role: .dim)
        XCTAssertEqual(grid.text(), "bcde  ##\n      ##")
        grid.paint(Rect(x: 0, y: 0, width: 2, height: 1), role: .selection)
        XCTAssertEqual(grid[0, 0], Cell("b", role: .selection))
        XCTAssertEqual(grid[2, 0].role, .statusOK)
    }

    func testRectSplits() {
        let rect = Rect(x: 0, y: 1, width: 80, height: 22)
        XCTAssertEqual(rect.splitTop(9).rest, Rect(x: 0, y: 10, width: 80, height: 13))
        XCTAssertEqual(rect.splitLeft(48).rest.width, 32)
        XCTAssertEqual(rect.centered(width: 40, height: 10), Rect(x: 20, y: 7, width: 40, height: 10))
        XCTAssertEqual(rect.inset(1, 1), Rect(x: 1, y: 2, width: 78, height: 20))
    }
}
