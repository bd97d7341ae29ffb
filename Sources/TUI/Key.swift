/// A key press, as the terminal driver decodes it; the screen model never sees curses key codes.
public enum Key: Sendable, Hashable {
    case character(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    case enter, escape, tab, backTab, backspace, delete
    /// Control plus a letter (lower case): `.control("u")` is Ctrl-U.
    case control(Character)

    /// The key's name in the help screen, the hint bar and docs/KEYBINDINGS.md.
    public func name(_ box: BoxStyle = .unicode) -> String {
        let unicode = box.kind == .unicode
        switch self {
        case .character(" "): return "Space"
        case .character(let c): return String(c)
        case .up: return unicode ? "↑" : "Up"
        case .down: return unicode ? "↓" : "Down"
        case .left: return unicode ? "←" : "Left"
        case .right: return unicode ? "→" : "Right"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .backspace: return "Backspace"
        case .delete: return "Del"
        case .control(let c): return "Ctrl-\(String(c).uppercased())"
        }
    }
}
