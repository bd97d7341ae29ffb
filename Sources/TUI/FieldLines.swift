/// "Label     value" lines for detail panes: the value wrapped (or chopped, for pins and hashes) under itself.
public enum FieldLines {
    public static func field(_ label: String, _ value: String, width: Int, labelWidth: Int = 9,
                             role: ColorRole = .normal, chop: Bool = false) -> [[Span]] {
        let valueWidth = max(1, width - labelWidth)
        let pieces = chop ? TextLayout.chop(value, width: valueWidth) : TextLayout.wrap(value, width: valueWidth)
        return pieces.enumerated().map { index, piece in
            [Span(TextLayout.fit(index == 0 ? label : "", labelWidth), .label), Span(piece, role)]
        }
    }

    /// A label with ready-made spans (a status), not wrapped.
    public static func field(_ label: String, spans: [Span], labelWidth: Int = 9) -> [Span] {
        [Span(TextLayout.fit(label, labelWidth), .label)] + spans
    }

    /// Draws lines from the top of a rectangle, clipped to it; returns the lines that did not fit.
    @discardableResult
    public static func draw(_ lines: [[Span]], in rect: Rect, into grid: inout ScreenGrid) -> Int {
        for (offset, line) in lines.prefix(rect.height).enumerated() {
            grid.put(line, x: rect.x, y: rect.y + offset, limit: rect.maxX)
        }
        return max(0, lines.count - rect.height)
    }
}
