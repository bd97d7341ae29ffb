/// Where a dialog goes and how its frame looks: centred over the current screen, between the title and hint
/// bars. A dialog nearly as wide as the screen takes all of it, so its frame never runs beside a panel's.
public enum DialogFrame {
    /// Clears a centred box of the preferred size (capped to the screen), frames it and returns the inside
    /// (one column of margin on each side).
    public static func draw(title: String, width: Int, height: Int, into grid: inout ScreenGrid,
                            box: BoxStyle) -> Rect {
        let area = Rect(x: 0, y: 1, width: grid.width, height: max(0, grid.height - 2))
        let w = width >= area.width - 6 ? area.width : width
        let h = height >= area.height - 2 ? area.height : height
        let rect = area.centered(width: w, height: h)
        grid.fill(rect, role: .dialog)
        let inside = Panel.draw(rect, title: title, into: &grid, box: box, border: .dialogBorder,
                                titleRole: .dialogBorder)
        grid.paint(inside, role: .dialog)
        return inside.inset(1, 0)
    }
}
