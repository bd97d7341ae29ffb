import CNcursesw
import TUI

/// Draws a `ScreenGrid` with ncursesw and reads keys. The only file that touches curses.
public final class CursesTerminal {
    public private(set) var isActive = false

    public init() {}

    public func start() {
        setlocale(LC_ALL, "")
        initscr()
        cbreak()
        noecho()
        _ = CNcursesw_keypad_on()
        curs_set(0)
        isActive = true
    }

    public var size: (width: Int, height: Int) { (Int(CNcursesw_width()), Int(CNcursesw_height())) }

    public func draw(_ grid: ScreenGrid) {
        for y in 0..<grid.height {
            for x in 0..<grid.width {
                let cell = grid[x, y]
                let attrs = cell.role == .title || cell.role == .selection ? CNcursesw_A_BOLD() : CNcursesw_A_NORMAL()
                for scalar in cell.character.unicodeScalars.prefix(1) {
                    _ = CNcursesw_put_wide(Int32(y), Int32(x), wchar_t(scalar.value), attrs, 0)
                }
            }
        }
        refresh()
    }

    /// Blocks for the next key code.
    public func readKey() -> Int32 { getch() }

    public func stop() {
        guard isActive else { return }
        endwin()
        isActive = false
    }
}
