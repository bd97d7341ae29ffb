/// A state as a glyph, a word and a role together, so no state is ever shown by colour alone (DESIGN.md §5).
public enum Status: Sendable, Equatable {
    case ok, warning, error, active, pending, skipped, retry

    public func glyph(_ box: BoxStyle) -> String {
        switch (self, box.kind) {
        case (.ok, .unicode): "✔"
        case (.ok, .ascii): "+"
        case (.warning, .unicode): "⚠"
        case (.warning, .ascii): "!"
        case (.error, .unicode): "✘"
        case (.error, .ascii): "x"
        case (.active, .unicode): "◐"
        case (.active, .ascii): "*"
        case (.pending, .unicode): "○"
        case (.pending, .ascii): "."
        case (.skipped, .unicode): "–"
        case (.skipped, .ascii): "-"
        case (.retry, .unicode): "↻"
        case (.retry, .ascii): "~"
        }
    }

    public var role: ColorRole {
        switch self {
        case .ok: .statusOK
        case .warning, .retry: .statusWarn
        case .error: .statusError
        case .active: .statusActive
        case .pending, .skipped: .dim
        }
    }

    /// "✔ done", in the status role.
    public func span(_ word: String, _ box: BoxStyle) -> Span {
        Span(word.isEmpty ? glyph(box) : "\(glyph(box)) \(word)", role)
    }
}
