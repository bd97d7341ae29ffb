/// One character cell of the screen model: what the terminal draws, with no curses in sight.
public struct Cell: Sendable, Equatable {
    public var character: Character
    public var role: ColorRole

    public init(_ character: Character = " ", role: ColorRole = .normal) {
        self.character = character
        self.role = role
    }
}
