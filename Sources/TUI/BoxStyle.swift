/// The characters that draw frames and state glyphs: UTF-8 line drawing, or plain ASCII for terminals and
/// locales that cannot show it (TERM=dumb, LANG=C).
public struct BoxStyle: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case unicode, ascii
    }

    public var kind: Kind
    public var horizontal: Character
    public var vertical: Character
    public var topLeft: Character
    public var topRight: Character
    public var bottomLeft: Character
    public var bottomRight: Character
    /// Marks the selected row of a list, beside the selection colour (never colour alone).
    public var pointer: Character
    /// Sparkline levels, lowest first.
    public var levels: [Character]
    /// Ellipsis for text cut short.
    public var ellipsis: Character
    public var arrowUp: Character
    public var arrowDown: Character
    /// Between facts on one line ("tun0 · MTU 1434"), and for a value that is not known.
    public var dot: String
    public var missing: String

    public static let unicode = BoxStyle(
        kind: .unicode, horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└",
        bottomRight: "┘", pointer: "▸", levels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"], ellipsis: "…",
        arrowUp: "↑", arrowDown: "↓", dot: "·", missing: "—")

    public static let ascii = BoxStyle(
        kind: .ascii, horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+",
        bottomRight: "+", pointer: ">", levels: ["_", ".", "-", "=", "+", "*", "#", "@"], ellipsis: "~",
        arrowUp: "^", arrowDown: "v", dot: "-", missing: "-")

    /// Facts joined by the dot: "TLSv1.3 · TLS_AES_256_GCM_SHA384".
    public func join(_ parts: [String]) -> String { parts.joined(separator: " \(dot) ") }

    public static func of(_ kind: Kind) -> BoxStyle { kind == .unicode ? .unicode : .ascii }
}
