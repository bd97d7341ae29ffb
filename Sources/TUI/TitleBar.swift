import Engine

/// The top line: the program's name, the screen tabs (the current one bracketed as well as coloured) and the
/// connection's state at the right, in a glyph and words.
public enum TitleBar {
    public static func draw(current: ScreenID, session: AppState, now: Double, into grid: inout ScreenGrid,
                            box: BoxStyle) {
        grid.fill(Rect(x: 0, y: 0, width: grid.width, height: 1), role: .title)
        var x = grid.put(" Swiftgate ", x: 0, y: 0, role: .title) + 1
        for screen in ScreenID.allCases where screen != .help {
            let label = "\(screen.key) \(screen.title)"
            x = grid.put(screen == current ? "[\(label)]" : " \(label) ", x: x, y: 0,
                         role: screen == current ? .tabActive : .tab)
        }
        let room = grid.width - x - 2
        guard room > 4 else { return }
        // The long form names the phase or the channel; on a narrow screen the short form keeps the gateway's name.
        var state = status(session, now: now, box: box)
        if state.text.count > room { state = status(session, now: now, box: box, short: true) }
        let text = TextLayout.truncate(state.text, to: room, ellipsis: box.ellipsis)
        grid.put(text, x: grid.width - 1 - text.count, y: 0, role: state.role)
    }

    /// The connection's state in a few words: what the title bar and the confirm dialogs say.
    public static func status(_ session: AppState, now: Double, box: BoxStyle, short: Bool = false) -> Span {
        let name = session.gateway ?? ""
        switch session.status {
        case .idle:
            return Status.pending.span("not connected", box)
        case .connecting:
            let running = session.phases.last { $0.state != nil }
            let step = short ? "" : running.map { " \(box.dot) \($0.id.title)" } ?? ""
            return Status.active.span("connecting \(name)\(step)", box)
        case .connected:
            if session.isReconfiguring(now: now) { return Status.warning.span("reconfiguring \(name)", box) }
            let via = short ? "" : session.carrier.map { " via \($0.rawValue.uppercased())" } ?? ""
            return Status.ok.span("connected \(name)\(via)", box)
        case .reconnecting:
            let attempt = session.tls?.info.attempt.map { " (attempt \($0))" } ?? ""
            return Status.retry.span("reconnecting \(name)\(attempt)", box)
        case .disconnected:
            return Status.pending.span("disconnected \(name)", box)
        case .failed:
            let phase = short ? "" : session.failedPhase.map { " at \($0.id.title)" } ?? ""
            return Status.error.span("failed \(name)\(phase)", box)
        }
    }
}
