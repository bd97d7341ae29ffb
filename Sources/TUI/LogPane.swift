/// The log at the bottom of the connection screens: the newest lines that fit, each with its time since the
/// attempt began and a glyph for warnings and errors.
public enum LogPane {
    public static func draw(_ session: AppState, in rect: Rect, into grid: inout ScreenGrid, box: BoxStyle) {
        let inner = Panel.draw(rect, title: "Log", into: &grid, box: box).inset(1, 0)
        guard !inner.isEmpty else { return }
        let zero = session.startedAt ?? session.log.first?.time ?? 0
        let stampWidth = 8
        var lines: [[Span]] = []
        // Only the tail can show, so wrap from the newest line back until the pane is full.
        for line in session.log.reversed() {
            let glyph: Span = switch line.level {
            case .info: Span("  ")
            case .warning: Span(Status.warning.glyph(box) + " ", .statusWarn)
            case .error: Span(Status.error.glyph(box) + " ", .statusError)
            }
            let role: ColorRole = line.level == .error ? .statusError : .normal
            let pieces = TextLayout.wrap(line.text, width: max(1, inner.width - stampWidth - 2))
            var block: [[Span]] = []
            for (index, piece) in pieces.enumerated() {
                let stamp = index == 0 ? TextLayout.fit(Formatting.offset(line.time - zero), stampWidth - 1, alignRight: true) + " "
                    : String(repeating: " ", count: stampWidth)
                block.append([Span(stamp, .dim), index == 0 ? glyph : Span("  "), Span(piece, role)])
            }
            lines.insert(contentsOf: block, at: 0)
            if lines.count >= inner.height { break }
        }
        if lines.isEmpty { lines = [[Span("Nothing yet.", .dim)]] }
        FieldLines.draw(Array(lines.suffix(inner.height)), in: inner, into: &grid)
    }
}
