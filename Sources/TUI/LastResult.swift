/// How the last connection to a gateway ended, already put in words by the caller (from the history).
public struct LastResult: Sendable, Equatable {
    public enum Outcome: String, Sendable, Equatable { case succeeded, failed, cancelled }

    public var outcome: Outcome
    /// e.g. "connected 1h 02m, disconnected", "authentication refused".
    public var text: String
    /// When, as the caller formats it (e.g. "2025-01-10 09:12").
    public var when: String?

    public init(_ outcome: Outcome, _ text: String, when: String? = nil) {
        self.outcome = outcome
        self.text = text
        self.when = when
    }

    /// The short form for the list column: glyph and one word.
    public func span(_ box: BoxStyle) -> Span {
        switch outcome {
        case .succeeded: Status.ok.span("ok", box)
        case .failed: Status.error.span("failed", box)
        case .cancelled: Status.skipped.span("stopped", box)
        }
    }
}
