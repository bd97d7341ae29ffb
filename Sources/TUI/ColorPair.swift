/// A foreground and background colour together, as curses numbers them.
public struct ColorPair: Sendable, Equatable, Hashable {
    public var fg: ThemeColor
    public var bg: ThemeColor

    public init(fg: ThemeColor, bg: ThemeColor) {
        self.fg = fg
        self.bg = bg
    }
}
