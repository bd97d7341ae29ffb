/// A grid of cells that widgets render into and that a terminal driver (or a snapshot test) reads.
public struct ScreenGrid: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: Cell(), count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes text from (x, y), clipped at the right edge.
    public mutating func put(_ text: String, x: Int, y: Int, role: ColorRole = .normal) {
        guard y >= 0, y < height else { return }
        var column = x
        for character in text {
            guard column < width else { break }
            if column >= 0 { self[column, y] = Cell(character, role: role) }
            column += 1
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
