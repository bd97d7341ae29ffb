import Engine

/// The live timeline of a connection attempt: all six phases with a glyph and word for their state, how long
/// each took (or has taken so far), a note, the failing phase's reason, details on demand; the log below.
public enum PhasesScreen {
    public static func render(_ state: PhasesState, session: AppState, now: Double, into grid: inout ScreenGrid,
                              theme: Theme = .dark) {
        let box = theme.box
        let body = Chrome.draw(.phases, keymap: .phases, session: session, now: now, into: &grid, theme: theme)
        // The timeline takes what its rows need (details included), the log the rest, each within limits.
        let needed = 1 + session.phases.count + 2 + 2
            + state.expanded.reduce(0) { $0 + PhaseNotes.details(session.phase($1), session: session).count }
        let split = body.splitTop(min(max(needed, 10), body.height - 5))

        let title = session.gateway.map { "Connection to \($0)" } ?? "Connection"
        var note: [Span] = []
        if let url = session.url { note.append(Span(url, .dim)) }
        let inner = Panel.draw(split.top, title: title, note: note, into: &grid, box: box, focused: true)
        drawTimeline(state, session: session, now: now, in: inner, into: &grid, box: box)
        LogPane.draw(session, in: split.rest, into: &grid, box: box)
    }

    private static func columns(width: Int) -> [TableColumn] {
        let content = width - 3
        return [TableColumn("#", width: 1), TableColumn("PHASE", width: 12), TableColumn("STATE", width: 11),
                TableColumn("TIME", width: 8, alignRight: true),
                TableColumn("NOTE", width: max(4, content - 1 - 12 - 11 - 8 - 4))]
    }

    private static func drawTimeline(_ state: PhasesState, session: AppState, now: Double, in rect: Rect,
                                     into grid: inout ScreenGrid, box: BoxStyle) {
        guard rect.height > 1 else { return }
        let columns = columns(width: rect.width)
        grid.put(TableColumn.header(columns), x: rect.x + 2, y: rect.y, limit: rect.maxX)

        var lines: [[Span]] = []
        var selectedLine = 0
        var selectedEnd = 0
        for (index, record) in session.phases.enumerated() {
            if record.id == state.selected { selectedLine = lines.count }
            let time = record.elapsedMilliseconds(now: now).map(Formatting.milliseconds) ?? ""
            lines.append(TableColumn.row([
                Span("\(index + 1)", .dim), Span(record.id.title), PhaseNotes.state(record, box: box),
                Span(time, record.isRunning ? .statusActive : .dim),
                PhaseNotes.note(record, session: session, now: now, box: box),
            ], columns, ellipsis: box.ellipsis))
            if state.expanded.contains(record.id) {
                let indent = 4
                for line in PhaseNotes.details(record, session: session) {
                    lines += TextLayout.wrap(line, width: max(1, rect.width - indent - 3)).enumerated().map { piece in
                        [Span(String(repeating: " ", count: piece.offset == 0 ? indent : indent + 2)), Span(piece.element, .dim)]
                    }
                }
            }
            if record.id == state.selected { selectedEnd = lines.count }
        }
        lines.append([])
        lines += summary(session, width: rect.width - 2, now: now, box: box)

        let list = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
        // Keep the selected phase, and as much of its details as fit, in view.
        var top = 0
        if selectedEnd > list.height { top = min(selectedLine, selectedEnd - list.height) }
        for (offset, line) in lines.dropFirst(top).prefix(list.height).enumerated() {
            let y = list.y + offset
            grid.put(line, x: list.x + 2, y: y, limit: list.maxX)
            if top + offset == selectedLine {
                grid.paint(Rect(x: list.x, y: y, width: list.width, height: 1), role: .selection)
                grid.put(String(box.pointer), x: list.x, y: y, role: .selection)
            }
        }
        if top > 0 { grid.put(String(box.arrowUp), x: list.maxX - 1, y: list.y, role: .dim) }
        if top + list.height < lines.count { grid.put(String(box.arrowDown), x: list.maxX - 1, y: list.maxY - 1, role: .dim) }
    }

    /// The outcome under the phases: connected, failed (with the engine's message), or disconnected.
    private static func summary(_ session: AppState, width: Int, now: Double, box: BoxStyle) -> [[Span]] {
        switch session.status {
        case .idle:
            return [[Span("Choose a gateway on screen 1 and press Enter to connect.", .dim)]]
        case .connecting:
            guard let wait = session.waiting else { return [] }
            return TextLayout.wrap(wait.text(now: now), width: width - 2).enumerated().map { index, text in
                index == 0 ? [Status.retry.span(text, box)] : [Span("  " + text, .statusWarn)]
            }
        case .connected:
            return [[Status.ok.span("Connected.", box), Span(" Press 3 for the channels.", .dim)]]
        case .reconnecting:
            return [[Status.retry.span("Connection lost; reconnecting with the same session.", box)]]
        case .disconnected(let reason):
            return TextLayout.wrap("Disconnected: \(reason)", width: width - 2).enumerated().map { index, text in
                index == 0 ? [Status.pending.span(text, box)] : [Span("  " + text, .dim)]
            }
        case .failed(let message):
            return TextLayout.wrap("Failed: \(message)", width: width - 2).enumerated().map { index, text in
                index == 0 ? [Status.error.span(text, box)] : [Span("  " + text, .statusError)]
            }
        }
    }
}
