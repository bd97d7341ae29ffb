/// What shows when the terminal is below the minimum size: the size it has, the size it needs.
public enum TooSmallScreen {
    public static func render(into grid: inout ScreenGrid, theme: Theme) {
        grid.fill(grid.bounds)
        let lines = [
            "Terminal too small",
            "\(grid.width)x\(grid.height); Swiftgate needs \(Chrome.minimumWidth)x\(Chrome.minimumHeight)",
            "Enlarge the window, or press q to quit.",
        ]
        var wrapped: [(String, ColorRole)] = []
        for (index, line) in lines.enumerated() {
            wrapped += TextLayout.wrap(line, width: max(1, grid.width - 2)).map { ($0, index == 0 ? .statusWarn : .normal) }
        }
        let top = max(0, (grid.height - wrapped.count) / 2)
        for (offset, (text, role)) in wrapped.enumerated() {
            grid.put(text, x: max(0, (grid.width - text.count) / 2), y: top + offset, role: role)
        }
    }
}
