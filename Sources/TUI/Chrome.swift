/// The frame every screen shares: the title bar on top, the key-hint bar at the bottom; returns the body.
public enum Chrome {
    /// The smallest terminal the screens are laid out for; below it, `TooSmallScreen` shows instead.
    public static let minimumWidth = 60
    public static let minimumHeight = 16

    public static func fits(_ grid: ScreenGrid) -> Bool {
        grid.width >= minimumWidth && grid.height >= minimumHeight
    }

    @discardableResult
    public static func draw(_ screen: ScreenID, keymap: Keymap, session: AppState, now: Double,
                            into grid: inout ScreenGrid, theme: Theme, message: Span? = nil) -> Rect {
        grid.fill(grid.bounds)
        TitleBar.draw(current: screen, session: session, now: now, into: &grid, box: theme.box)
        KeyHintBar.draw(keymap, y: grid.height - 1, into: &grid, box: theme.box, message: message)
        return Rect(x: 0, y: 1, width: grid.width, height: grid.height - 2)
    }
}
