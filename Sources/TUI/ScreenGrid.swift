/// A grid of cells that widgets render into and that a terminal driver (or a snapshot test) reads.
/// One `Character` per cell: wide (East Asian) characters are not measured, so text is assumed narrow.
public struct ScreenGrid: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: Cell(), count: self.width * self.height)
    }

    /// The whole screen as a rectangle.
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes text from (x, y), clipped at the right edge of the screen, or at `limit` (an exclusive column)
    /// when given. Returns the column after the last character written (or that would have been).
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, role: ColorRole = .normal, limit: Int? = nil) -> Int {
        var column = x
        guard y >= 0, y < height else { return column + text.count }
        let end = min(width, limit ?? width)
        for character in text {
            if column >= end { return column }
            // A control character (ESC, CR, C1) from a gateway's banner or message would drive the terminal:
            // it is shown as a replacement glyph instead (issue 13, item 6).
            let shown: Character = character.unicodeScalars.contains { $0.value < 0x20 || (0x7f...0x9f).contains($0.value) } ? "\u{FFFD}" : character
            if column >= 0 { self[column, y] = Cell(shown, role: role) }
            column += 1
        }
        return column
    }

    /// Writes spans one after the other from (x, y), clipped like `put`.
    @discardableResult
    public mutating func put(_ spans: [Span], x: Int, y: Int, limit: Int? = nil) -> Int {
        var column = x
        for span in spans { column = put(span.text, x: column, y: y, role: span.role, limit: limit) }
        return column
    }

    /// Fills a rectangle (clipped to the screen) with one character in one role.
    public mutating func fill(_ rect: Rect, with character: Character = " ", role: ColorRole = .normal) {
        for row in max(0, rect.y)..<max(max(0, rect.y), min(height, rect.maxY)) {
            for column in max(0, rect.x)..<max(max(0, rect.x), min(width, rect.maxX)) {
                self[column, row] = Cell(character, role: role)
            }
        }
    }

    /// Recolours a rectangle without changing its characters (a selected row, a focused input).
    public mutating func paint(_ rect: Rect, role: ColorRole) {
        for row in max(0, rect.y)..<max(max(0, rect.y), min(height, rect.maxY)) {
            for column in max(0, rect.x)..<max(max(0, rect.x), min(width, rect.maxX)) {
                self[column, row].role = role
            }
        }
    }

    /// The screen as plain text, one line per row with trailing spaces removed (the snapshot form).
    public func text() -> String {
        (0..<height).map { row in
            var line = String(cells[(row * width)..<((row + 1) * width)].map(\.character))
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}
