/// A run of text in one colour role: lines of a widget are arrays of spans.
public struct Span: Sendable, Equatable {
    public var text: String
    public var role: ColorRole

    public init(_ text: String, _ role: ColorRole = .normal) {
        self.text = text
        self.role = role
    }
}
