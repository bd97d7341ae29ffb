import TUI
import XCTest

/// The widgets and formatting helpers, at the cell level.
final class WidgetTests: XCTestCase {
    func testWrapKeepsWordsAndBreaksLongTokens() {
        XCTAssertEqual(TextLayout.wrap("the quick brown fox", width: 9), ["the quick", "brown fox"])
        XCTAssertEqual(TextLayout.wrap("pin-sha256:abcdefgh", width: 8), ["pin-sha2", "56:abcde", "fgh"])
        XCTAssertEqual(TextLayout.wrap("a\n\nb", width: 5), ["a", "", "b"])
        XCTAssertEqual(TextLayout.wrap("", width: 5), [""])
    }

    func testTruncateAndFit() {
        XCTAssertEqual(TextLayout.truncate("vpn.example.com", to: 8), "vpn.exa…")
        XCTAssertEqual(TextLayout.truncate("short", to: 8), "short")
        XCTAssertEqual(TextLayout.fit("42", 5, alignRight: true), "   42")
        XCTAssertEqual(TextLayout.fit("abcdef", 4, ellipsis: "~"), "abc~")
    }

    func testPanelInUnicodeAndASCII() {
        var grid = ScreenGrid(width: 16, height: 4)
        let inside = Panel.draw(grid.bounds, title: "TLS", note: [Span("up", .statusOK)], into: &grid, box: .unicode)
        XCTAssertEqual(inside, Rect(x: 1, y: 1, width: 14, height: 2))
        XCTAssertEqual(grid.text(), "┌ TLS ───── up ┐\n│              │\n│              │\n└──────────────┘")
        var ascii = ScreenGrid(width: 10, height: 3)
        Panel.draw(ascii.bounds, title: "Log", into: &ascii, box: .ascii, focused: true)
        XCTAssertEqual(ascii.text(), "+ > Log -+\n|        |\n+--------+")
        XCTAssertEqual(ascii[2, 0].role, .panelTitle)
        XCTAssertEqual(ascii[0, 1].role, .border)
    }

    func testListShowsSelectionWithPointerAndScrollsToIt() {
        var grid = ScreenGrid(width: 10, height: 3)
        let rows = (0..<10).map { [Span("row \($0)")] }
        ListView.draw(rows, selection: ListSelection(index: 6), in: grid.bounds, into: &grid, box: .unicode)
        XCTAssertEqual(grid.text(), "  row 5  ↑\n▸ row 6\n  row 7  ↓")
        XCTAssertEqual(grid[3, 1].role, .selection)
        XCTAssertEqual(grid[3, 0].role, .normal)
    }

    func testListSelectionMoves() {
        var selection = ListSelection()
        XCTAssertTrue(selection.handle(.moveUp, count: 5))
        XCTAssertEqual(selection.index, 0)
        selection.handle(.bottom, count: 5)
        XCTAssertEqual(selection.index, 4)
        selection.handle(.pageUp, count: 5, page: 3)
        XCTAssertEqual(selection.index, 1)
        XCTAssertFalse(selection.handle(.connect, count: 5))
        XCTAssertEqual(selection.top(count: 5, visible: 10), 0)
    }

    func testSparklineScalesToItsMaximum() {
        XCTAssertEqual(Sparkline.render([0, 1, 2, 4, 8], width: 5, box: .unicode), "▁▂▃▅█")
        XCTAssertEqual(Sparkline.render([8], width: 3, box: .ascii), "  @")
        XCTAssertEqual(Sparkline.render([], width: 2, box: .unicode), "  ")
        XCTAssertEqual(Sparkline.render([0, 0], width: 2, box: .unicode), "▁▁")
    }

    func testTableRowFitsEachColumn() {
        let columns = [TableColumn("NAME", width: 5), TableColumn("N", width: 3, alignRight: true)]
        XCTAssertEqual(TableColumn.row([Span("gateway"), Span("7")], columns).map(\.text).joined(), "gate…   7")
        XCTAssertEqual(TableColumn.header(columns).first?.role, .header)
    }

    func testFormatting() {
        XCTAssertEqual(Formatting.bytes(512), "512 B")
        XCTAssertEqual(Formatting.bytes(1536), "1.5 KiB")
        XCTAssertEqual(Formatting.bytes(1_288_490_188), "1.2 GiB")
        XCTAssertEqual(Formatting.rate(1_100_200), "1.0 MiB/s")
        XCTAssertEqual(Formatting.count(1_234_567), "1,234,567")
        XCTAssertEqual(Formatting.count(12), "12")
        XCTAssertEqual(Formatting.milliseconds(182), "182 ms")
        XCTAssertEqual(Formatting.milliseconds(4407), "4.4 s")
        XCTAssertEqual(Formatting.milliseconds(65_000), "1m 05s")
        XCTAssertEqual(Formatting.duration(3_723), "1h 02m 03s")
        XCTAssertEqual(Formatting.duration(2 * 86_400 + 3_600 * 4 + 600), "2d 04h 10m")
        XCTAssertEqual(Formatting.offset(12.34), "+12.3s")
    }

    func testStatusesAlwaysCarryAGlyphAndAWord() {
        for status in [Status.ok, .warning, .error, .active, .pending, .skipped, .retry] {
            for box in [BoxStyle.unicode, .ascii] {
                let span = status.span("word", box)
                XCTAssertTrue(span.text.hasSuffix(" word"))
                XCTAssertFalse(status.glyph(box).isEmpty)
            }
        }
        XCTAssertEqual(Set([Status.ok, .warning, .error, .active, .pending, .skipped, .retry].map { $0.glyph(.ascii) }).count, 7,
                       "glyphs differ from each other even without colour")
    }
}
