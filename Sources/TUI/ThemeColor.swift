/// A colour from the 8/16-colour ANSI set, as theme files name it; `default` is the terminal's own.
public enum ThemeColor: String, Sendable, CaseIterable, Codable, NamedValue {
    static let kindName = "colour"
    case `default`
    case black, red, green, yellow, blue, magenta, cyan, white
    case brightBlack = "bright-black", brightRed = "bright-red", brightGreen = "bright-green"
    case brightYellow = "bright-yellow", brightBlue = "bright-blue", brightMagenta = "bright-magenta"
    case brightCyan = "bright-cyan", brightWhite = "bright-white"

    /// The ANSI colour number (0-15), or -1 for the terminal's default (what curses' `use_default_colors`
    /// understands).
    public var ansiIndex: Int {
        guard self != .default, let index = Self.allCases.firstIndex(of: self) else { return -1 }
        return index - 1
    }

    public init(from decoder: Decoder) throws {
        self = try Self.decodeName(from: decoder)
    }
}
