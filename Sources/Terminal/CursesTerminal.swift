import CNcursesw
import Glibc
import TUI

/// Draws a `ScreenGrid` with ncursesw and reads keys: the only file that touches curses. Colours come from the
/// theme's roles; only the cells that changed since the last frame are sent to the terminal.
public final class CursesTerminal {
    public enum Input: Equatable {
        case key(Key)
        case resize
    }

    public private(set) var isActive = false
    private var theme: Theme
    private var previous: ScreenGrid?
    private var colors = false

    public init(theme: Theme) { self.theme = theme }

    /// Takes over the terminal. Raw mode: Ctrl-C arrives as a key (the app disconnects cleanly), not a signal.
    public func start() {
        setlocale(LC_ALL, "")
        initscr()
        raw()
        noecho()
        nonl()
        _ = CNcursesw_keypad_on()
        set_escdelay(25)
        curs_set(0)
        CNcursesw_timeout(100)
        colors = has_colors() && theme.name != "monochrome"
        if colors {
            start_color()
            use_default_colors()
            applyTheme()
        }
        isActive = true
        Self.installCrashRestore()
    }

    public func setTheme(_ theme: Theme) {
        self.theme = theme
        if colors { applyTheme() }
        previous = nil
    }

    public var size: (width: Int, height: Int) { (Int(CNcursesw_width()), Int(CNcursesw_height())) }

    /// Draws what changed since the last frame, then refreshes.
    public func draw(_ grid: ScreenGrid) {
        let full = previous == nil || previous!.width != grid.width || previous!.height != grid.height
        if full { erase() }
        for y in 0..<grid.height {
            for x in 0..<grid.width {
                let cell = grid[x, y]
                if !full, previous![x, y] == cell { continue }
                let scalar = cell.character.unicodeScalars.first ?? " "
                _ = CNcursesw_put_wide(Int32(y), Int32(x), wchar_t(scalar.value), attributes(for: cell.role),
                                       colors ? Int16(theme.pairNumber(for: cell.role)) : 0)
            }
        }
        previous = grid
        refresh()
    }

    /// The next key within the input timeout (100 ms), a resize, or nil.
    public func read() -> Input? {
        var value: wint_t = 0
        let kind = CNcursesw_get_wch(&value)
        if kind == ERR { return nil }
        let code = Int32(value)
        if kind == CNcursesw_KEY_CODE_YES() {
            switch code {
            case KEY_RESIZE: previous = nil; return .resize
            case KEY_UP: return .key(.up)
            case KEY_DOWN: return .key(.down)
            case KEY_LEFT: return .key(.left)
            case KEY_RIGHT: return .key(.right)
            case KEY_HOME: return .key(.home)
            case KEY_END: return .key(.end)
            case KEY_PPAGE: return .key(.pageUp)
            case KEY_NPAGE: return .key(.pageDown)
            case KEY_BTAB: return .key(.backTab)
            case KEY_BACKSPACE: return .key(.backspace)
            case KEY_DC: return .key(.delete)
            case KEY_ENTER: return .key(.enter)
            default: return nil
            }
        }
        switch code {
        case 10, 13: return .key(.enter)
        case 27: return .key(.escape)
        case 9: return .key(.tab)
        case 8, 127: return .key(.backspace)
        case 1...26: return .key(.control(Character(Unicode.Scalar(UInt8(code) + 96))))
        default:
            guard let scalar = Unicode.Scalar(UInt32(code)) else { return nil }
            return .key(.character(Character(scalar)))
        }
    }

    /// Gives the terminal back as it was.
    public func stop() {
        guard isActive else { return }
        endwin()
        isActive = false
    }

    private func applyTheme() {
        for role in ColorRole.allCases {
            let style = theme.style(for: role)
            init_pair(Int16(theme.pairNumber(for: role)), Int16(style.fg.ansiIndex), Int16(style.bg.ansiIndex))
        }
    }

    private func attributes(for role: ColorRole) -> attr_t {
        var value = CNcursesw_A_NORMAL()
        for attribute in theme.style(for: role).attrs {
            switch attribute {
            case .bold: value |= CNcursesw_A_BOLD()
            case .dim: value |= CNcursesw_A_DIM()
            case .reverse: value |= CNcursesw_A_REVERSE()
            case .underline: value |= CNcursesw_A_UNDERLINE()
            }
        }
        return value
    }

    /// On a crash signal the terminal is restored before the process dies, so the shell is usable afterwards.
    private static func installCrashRestore() {
        for signalNumber in [SIGSEGV, SIGBUS, SIGILL, SIGABRT, SIGFPE] {
            signal(signalNumber) { number in
                endwin()
                signal(number, SIG_DFL)
                raise(number)
            }
        }
    }
}
