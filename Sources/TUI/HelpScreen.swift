/// The keys, generated from the keymaps (the same tables that handle keys and write docs/KEYBINDINGS.md).
public enum HelpScreen {
    /// The help text as lines: a heading per scope, then each binding's keys and description.
    public static func lines(box: BoxStyle, keyWidth: Int = 22) -> [[Span]] {
        var lines: [[Span]] = []
        for keymap in Keymap.all {
            if !lines.isEmpty { lines.append([]) }
            lines.append([Span(keymap.scope.title, .panelTitle)])
            for binding in keymap.bindings {
                lines.append([Span("  " + TextLayout.fit(binding.keyNames(box), keyWidth), .keyHint),
                              Span(binding.description)])
            }
        }
        return lines
    }

    public static func render(_ state: HelpState, session: AppState, now: Double, into grid: inout ScreenGrid,
                              theme: Theme = .dark) {
        let box = theme.box
        let body = Chrome.draw(.help, keymap: .help, session: session, now: now, into: &grid, theme: theme)
        let inner = Panel.draw(body, title: "Keys", into: &grid, box: box, focused: true).inset(1, 0)
        let all = lines(box: box)
        let top = min(state.scroll, max(0, all.count - inner.height))
        FieldLines.draw(Array(all.dropFirst(top)), in: inner, into: &grid)
        if top > 0 { grid.put(String(box.arrowUp), x: inner.maxX, y: inner.y, role: .dim) }
        if top + inner.height < all.count { grid.put(String(box.arrowDown), x: inner.maxX, y: inner.maxY - 1, role: .dim) }
    }
}
