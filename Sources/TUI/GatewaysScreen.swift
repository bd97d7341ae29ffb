/// The home screen: saved gateways on the left (name, host, last result, trust), the selected one's details on
/// the right (URL, group aliases seen last time, default group, pins, where it came from).
public enum GatewaysScreen {
    public static func render(_ state: GatewaysState, session: AppState, now: Double, into grid: inout ScreenGrid,
                              theme: Theme = .dark) {
        let box = theme.box
        let message = state.isFiltering ? Span("typing a filter", .dim) : nil
        let body = Chrome.draw(.gateways, keymap: state.keymap, session: session, now: now, into: &grid,
                               theme: theme, message: message)
        let split = body.splitLeft(body.width * 60 / 100)
        let shown = state.visible

        var note: [Span] = []
        if state.isFiltering || !state.filter.isEmpty {
            note.append(Span("/" + state.filter + (state.isFiltering ? "_" : ""), state.isFiltering ? .inputFocus : .label))
        }
        let title = shown.count == state.gateways.count ? "Gateways (\(shown.count))"
            : "Gateways (\(shown.count) of \(state.gateways.count))"
        let inner = Panel.draw(split.left, title: title, note: note, into: &grid, box: box, focused: true)
        drawList(state, shown: shown, in: inner, into: &grid, box: box)
        drawDetails(state.selected, in: split.rest, into: &grid, box: box)
    }

    private static func columns(width: Int) -> [TableColumn] {
        let content = width - 3
        let name = max(8, min(16, content / 4))
        let host = max(6, content - name - 8 - 8 - 3)
        return [TableColumn("NAME", width: name), TableColumn("HOST", width: host),
                TableColumn("LAST", width: 8), TableColumn("TRUST", width: 8)]
    }

    private static func drawList(_ state: GatewaysState, shown: [GatewaySummary], in rect: Rect,
                                 into grid: inout ScreenGrid, box: BoxStyle) {
        let columns = columns(width: rect.width)
        grid.put(TableColumn.header(columns), x: rect.x + 2, y: rect.y, limit: rect.maxX)
        let list = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
        if state.gateways.isEmpty {
            let lines = ["No saved gateways yet.", "", "Press a to add one, or import a profile:",
                         "  swiftgate gateways import FILE.xml"]
            for (offset, line) in lines.enumerated() {
                grid.put(line, x: list.x + 2, y: list.y + 1 + offset, role: offset == 0 ? .normal : .dim, limit: list.maxX)
            }
            return
        }
        if shown.isEmpty {
            grid.put("No gateway matches \"\(state.filter)\".", x: list.x + 2, y: list.y + 1, limit: list.maxX)
            grid.put("Esc clears the filter.", x: list.x + 2, y: list.y + 2, role: .dim, limit: list.maxX)
            return
        }
        let rows: [[Span]] = shown.map { gateway in
            TableColumn.row([
                Span(gateway.name), Span(gateway.host, .dim),
                gateway.isUp ? Status.active.span("up", box)
                    : gateway.lastResult?.span(box) ?? Status.pending.span("never", box),
                gateway.trust.span(box),
            ], columns, ellipsis: box.ellipsis)
        }
        ListView.draw(rows, selection: state.selection, in: list, into: &grid, box: box)
    }

    private static func drawDetails(_ gateway: GatewaySummary?, in rect: Rect, into grid: inout ScreenGrid,
                                    box: BoxStyle) {
        guard let gateway else {
            Panel.draw(rect, title: "Details", into: &grid, box: box)
            return
        }
        let inner = Panel.draw(rect, title: gateway.name, into: &grid, box: box).inset(1, 0)
        let width = inner.width
        var lines: [[Span]] = []
        lines += FieldLines.field("URL", gateway.url, width: width, chop: true)
        lines += FieldLines.field("Host", gateway.host, width: width)
        // Where an entry came from, so a planted one is recognisable (issue 13, item 1).
        let source = gateway.source != "profile" ? gateway.source
            : gateway.profileOrigin.map { "from the profile of \($0)" } ?? "imported from a file"
        lines += FieldLines.field("Source", source, width: width)
        let group = gateway.defaultGroup ?? gateway.aliases.first(where: \.isDefault).map { "\($0.label) (gateway's default)" }
        lines += FieldLines.field("Group", group ?? "the gateway's default", width: width)
        if let last = gateway.lastResult {
            let status: Status = last.outcome == .succeeded ? .ok : last.outcome == .failed ? .error : .skipped
            lines += FieldLines.field("Last", status.glyph(box) + " " + last.text, width: width, role: status.role)
            if let when = last.when { lines += FieldLines.field("", when, width: width, role: .dim) }
        } else {
            lines.append(FieldLines.field("Last", spans: [Status.pending.span("never connected", box)]))
        }
        lines.append(FieldLines.field("Trust", spans: [gateway.trust.span(box)]))
        if gateway.trust == .pinnedWithWarning {
            lines += TextLayout.wrap("accepted despite certificate errors; warns on every connection",
                                     width: width - 9).map { [Span(String(repeating: " ", count: 9)), Span($0, .statusWarn)] }
        }
        for (index, pin) in gateway.pins.enumerated() {
            lines += FieldLines.field(index == 0 ? "Pins" : "", pin, width: width, role: .dim, chop: true)
        }
        lines.append([])
        let star = box.kind == .unicode ? "★" : "*"
        lines.append([Span("Groups last seen", .header)] + (gateway.aliases.contains(where: \.isDefault)
            ? [Span(" (\(star) default)", .dim)] : []))
        if gateway.aliases.isEmpty {
            lines += TextLayout.wrap("none yet: connect once to learn them", width: width).map { [Span($0, .dim)] }
        }
        let valueWidth = min(14, gateway.aliases.map(\.value.count).max() ?? 0)
        for alias in gateway.aliases {
            lines.append([Span(alias.isDefault ? star + " " : "  ", .label),
                          Span(TextLayout.fit(alias.value, valueWidth, ellipsis: box.ellipsis) + "  ", .dim),
                          Span(alias.label)])
        }
        FieldLines.draw(lines, in: inner, into: &grid)
    }
}
