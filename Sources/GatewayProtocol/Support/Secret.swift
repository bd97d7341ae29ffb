/// A credential (password, session cookie) that never prints itself.
///
/// `description`, `debugDescription` and string interpolation all give `<redacted>`, so a secret that slips into
/// a log line, an event or an error message leaks nothing (DESIGN.md §6). Use `reveal()` at the one place the
/// bytes must go on the wire.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    private let value: String

    public init(_ value: String) { self.value = value }

    public func reveal() -> String { value }
    public var isEmpty: Bool { value.isEmpty }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}
