/// Draws rows of spans in a rectangle, with a pointer and the selection role on the selected row, and
/// arrows at the right edge when rows are hidden above or below.
public enum ListView {
    public static func draw(_ rows: [[Span]], selection: ListSelection?, in rect: Rect, into grid: inout ScreenGrid,
                            box: BoxStyle, showsPointer: Bool = true) {
        guard !rect.isEmpty else { return }
        let top = selection?.top(count: rows.count, visible: rect.height) ?? 0
        let gutter = showsPointer ? 2 : 0
        for (offset, row) in rows.dropFirst(top).prefix(rect.height).enumerated() {
            let y = rect.y + offset
            let index = top + offset
            let selected = selection?.index == index
            grid.put(row, x: rect.x + gutter, y: y, limit: rect.maxX)
            if selected {
                grid.paint(Rect(x: rect.x, y: y, width: rect.width, height: 1), role: .selection)
                if showsPointer { grid.put(String(box.pointer), x: rect.x, y: y, role: .selection) }
            }
        }
        if top > 0 { grid.put(String(box.arrowUp), x: rect.maxX - 1, y: rect.y, role: .dim) }
        if top + rect.height < rows.count {
            grid.put(String(box.arrowDown), x: rect.maxX - 1, y: rect.maxY - 1, role: .dim)
        }
    }
}
