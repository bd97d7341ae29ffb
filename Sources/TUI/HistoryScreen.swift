/// Past connections: when, where, how long, how it ended, over which channel, how much moved.
public enum HistoryScreen {
    public static func render(_ state: HistoryState, session: AppState, now: Double, into grid: inout ScreenGrid,
                              theme: Theme = .dark) {
        let box = theme.box
        let body = Chrome.draw(.history, keymap: .history, session: session, now: now, into: &grid, theme: theme)
        let inner = Panel.draw(body, title: "History (\(state.entries.count))", into: &grid, box: box, focused: true)
        let content = inner.width - 3
        let gateway = content >= 100 ? 16 : 10
        let fixed = 16 + gateway + 10 + 4 + 9 + 5
        let columns = [
            TableColumn("STARTED", width: 16), TableColumn("GATEWAY", width: gateway),
            TableColumn("DURATION", width: 10, alignRight: true), TableColumn("OUTCOME", width: max(8, content - fixed)),
            TableColumn("VIA", width: 4), TableColumn("BYTES", width: 9, alignRight: true),
        ]
        grid.put(TableColumn.header(columns), x: inner.x + 2, y: inner.y, limit: inner.maxX)
        let list = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 1)
        guard !state.entries.isEmpty else {
            grid.put("No connections yet.", x: list.x + 2, y: list.y + 1, role: .dim)
            return
        }
        let rows: [[Span]] = state.entries.map { entry in
            TableColumn.row([
                Span(state.format(entry.started), .dim), Span(entry.gateway),
                Span(entry.duration.map(Formatting.duration) ?? box.missing),
                (entry.succeeded ? Status.ok : Status.error).span(entry.outcome, box),
                Span(entry.transport?.uppercased() ?? box.missing, .dim),
                Span(Formatting.bytes(Int(clamping: entry.bytesIn + entry.bytesOut))),
            ], columns, ellipsis: box.ellipsis)
        }
        ListView.draw(rows, selection: state.selection, in: list, into: &grid, box: box)
    }
}
