/// A framed box with a title in its top edge (and an optional note at the right of it), like htop's and
/// lazygit's panes.
public enum Panel {
    /// Draws the frame and returns the inside. A focused panel's title is marked with the pointer glyph as
    /// well as its colour.
    @discardableResult
    public static func draw(_ rect: Rect, title: String, note: [Span] = [], into grid: inout ScreenGrid,
                            box: BoxStyle, focused: Bool = false, border: ColorRole = .border,
                            titleRole: ColorRole = .panelTitle) -> Rect {
        guard rect.width >= 2, rect.height >= 2 else { return Rect(x: rect.x, y: rect.y, width: 0, height: 0) }
        let top = rect.y, bottom = rect.maxY - 1, left = rect.x, right = rect.maxX - 1
        let line = String(repeating: box.horizontal, count: rect.width - 2)
        grid.put(String(box.topLeft) + line + String(box.topRight), x: left, y: top, role: border)
        grid.put(String(box.bottomLeft) + line + String(box.bottomRight), x: left, y: bottom, role: border)
        for row in (top + 1)..<bottom {
            grid.put(String(box.vertical), x: left, y: row, role: border)
            grid.put(String(box.vertical), x: right, y: row, role: border)
        }
        grid.fill(Rect(x: left + 1, y: top + 1, width: rect.width - 2, height: rect.height - 2))
        let noteWidth = note.reduce(0) { $0 + $1.text.count }
        var titleEnd = left + 1
        if !title.isEmpty {
            let marker = focused ? "\(box.pointer) " : ""
            // Between the corners: a space either side of the title, at least one line character after it.
            let room = rect.width - 5 - (noteWidth > 0 ? noteWidth + 3 : 0)
            let text = " " + TextLayout.truncate(marker + title, to: max(0, room), ellipsis: box.ellipsis) + " "
            titleEnd = grid.put(text, x: left + 1, y: top, role: titleRole, limit: right)
        }
        if noteWidth > 0 {
            let start = max(titleEnd + 1, right - 1 - noteWidth)
            grid.put([Span(" ", border)] + note + [Span(" ", border)], x: start - 1, y: top, limit: right)
        }
        return rect.inset(1, 1)
    }
}
