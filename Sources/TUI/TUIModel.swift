import Engine
import Foundation

/// The whole interface as one value: the screens' states, the engine's state as folded from its events, and
/// the open dialog. The executable feeds it keys, events and prompts, acts on the outcomes, and draws
/// `render(into:now:)` through the terminal; nothing here does I/O or reads a clock.
public struct TUIModel: Sendable {
    public var theme: Theme
    public var session = AppState()
    public var screen: ScreenID = .gateways
    public var gateways: GatewaysState
    public var phases = PhasesState()
    public var history: HistoryState
    public var help = HelpState()
    public private(set) var dialog: Dialog?
    /// The connection runs in the service: `q` leaves it up instead of asking to disconnect (issue 15).
    public var detachable = false

    public init(theme: Theme = .dark, gateways: [GatewaySummary] = [], history: [HistoryEntry] = [],
                timeZone: TimeZone = .current) {
        self.theme = theme
        self.gateways = GatewaysState(gateways: gateways)
        self.history = HistoryState(entries: history, timeZone: timeZone)
    }

    // MARK: - Engine side

    /// A new attempt is starting (after `.connect`, `.reconnect` or a connection from the command line):
    /// clears the last attempt's phases and shows the timeline.
    public mutating func begin(gateway: String, url: String? = nil, at time: Double) {
        session.begin(gateway: gateway, url: url, at: time)
        phases = PhasesState()
        if screen != .help { screen = .phases }
    }

    /// Folds an engine event in. Once connected, the timeline gives way to the channels.
    public mutating func apply(_ event: EngineEvent, at time: Double) {
        session.apply(event, at: time)
        phases.follow(session)
        if case .connected = event, screen == .phases { screen = .channels }
    }

    /// Opens an engine prompt (it replaces a pending confirmation) or a confirmation (ignored while a prompt
    /// waits for its answer).
    public mutating func present(_ dialog: Dialog) {
        if !dialog.isPrompt, self.dialog?.isPrompt == true { return }
        self.dialog = dialog
    }

    /// Closes the dialog without an answer (the engine gave up on its question).
    public mutating func dismissDialog() { dialog = nil }

    // MARK: - Keys

    /// `now` is the interface's clock (as `render` takes it): the certificate prompt ignores keys typed as it opens.
    public mutating func handle(_ key: Key, now: Double) -> TUIOutcome {
        if let dialog { return handleDialog(dialog, key, now: now) }
        if session.sso != nil, session.status.isActive {
            // The SSO box is up: only Esc (give up) and Ctrl-C (TUIApp) mean anything.
            return key == .escape ? perform(.cancelAttempt) : .none
        }
        // Q is global (not while typing a filter): every screen's `q` has a disconnecting twin.
        if !(screen == .gateways && gateways.isFiltering), Keymap.everywhere.action(for: key) == .quitAndDisconnect {
            return perform(.quitAndDisconnect)
        }
        let outcome: ScreenOutcome
        switch screen {
        case .gateways: outcome = gateways.handle(key)
        case .phases: outcome = phases.handle(key, session: session)
        case .channels: outcome = ChannelsScreen.handle(key, session: session)
        case .history: outcome = history.handle(key)
        case .help: outcome = help.handle(key)
        }
        return perform(outcome)
    }

    private mutating func perform(_ outcome: ScreenOutcome) -> TUIOutcome {
        let name = session.gateway ?? "the gateway"
        switch outcome {
        case .none: return .none
        case .connect(let gateway):
            if session.status.isActive, session.gateway != gateway {
                // Through the service, the one on screen stays up beside the new one (issue 15, item 4).
                if detachable { return .connect(gateway: gateway) }
                session.note("already connecting to \(name): disconnect first", level: .warning)
                return .none
            }
            return session.status.isActive ? .none : .connect(gateway: gateway)
        case .add: return .add
        case .cleanup: return .cleanup
        case .forgetPassword(let gateway): return .forgetPassword(gateway: gateway)
        case .edit(let gateway): return .edit(gateway: gateway)
        case .delete(let gateway):
            present(.confirm(ConfirmDialog(title: "Delete gateway",
                                           message: "Delete \(gateway), its group aliases and pins? History stays."),
                             .delete(gateway)))
        case .disconnect:
            present(.confirm(ConfirmDialog(title: "Disconnect", message: "Disconnect from \(name)?"), .disconnect))
        case .cancelAttempt:
            session.note("cancelled while the gateway held the login", level: .warning)
            return .disconnect
        case .reconnect:
            if session.status.isActive { return .reconnect }
            return session.gateway.map { .connect(gateway: $0) } ?? .none
        case .show(let target):
            if target == .help { help.returnTo = screen == .help ? help.returnTo : screen }
            screen = target
        case .back:
            screen = help.returnTo
        case .quit:
            guard session.status.isActive else { return .quit }
            if detachable { return .detach }
            present(.confirm(ConfirmDialog(title: "Quit", message: "Disconnect from \(name) and quit?"), .quit))
        case .quitAndDisconnect:
            guard session.status.isActive else { return .quit }
            present(.confirm(ConfirmDialog(title: "Quit", message: "Disconnect from \(name) and quit?"), .quit))
        }
        return .none
    }

    private mutating func handleDialog(_ current: Dialog, _ key: Key, now: Double) -> TUIOutcome {
        switch current {
        case .group(var picker):
            let result = picker.handle(key)
            return finish(result, keep: .group(picker)) { .groupChosen($0) } cancelled: { .groupChosen(nil) }
        case .form(var form):
            let result = form.handle(key)
            return finish(result, keep: .form(form)) { .formAnswered($0) } cancelled: { .formAnswered(nil) }
        case .certificate(var prompt):
            let result = prompt.handle(key, now: now)
            return finish(result, keep: .certificate(prompt)) { .trustDecided($0) } cancelled: { .trustDecided(.cancel) }
        case .identity(var picker):
            let result = picker.handle(key)
            return finish(result, keep: .identity(picker)) { .identityChosen($0) } cancelled: { .identityChosen(nil) }
        case .confirm(let confirm, let purpose):
            switch confirm.handle(key) {
            case .pending: return .none
            case .cancelled:
                dialog = nil
                return .none
            case .done:
                dialog = nil
                switch purpose {
                case .delete(let gateway): return .delete(gateway: gateway)
                case .disconnect: return .disconnect
                case .quit: return .quit
                }
            }
        }
    }

    private mutating func finish<Answer>(_ result: DialogResult<Answer>, keep: Dialog, done: (Answer) -> TUIOutcome,
                                         cancelled: () -> TUIOutcome) -> TUIOutcome {
        switch result {
        case .pending:
            dialog = keep
            return .none
        case .done(let answer):
            dialog = nil
            return done(answer)
        case .cancelled:
            dialog = nil
            return cancelled()
        }
    }

    // MARK: - Drawing

    /// Draws the current screen and the dialog over it; a too-small terminal gets a notice instead.
    public func render(into grid: inout ScreenGrid, now: Double) {
        guard Chrome.fits(grid) else {
            TooSmallScreen.render(into: &grid, theme: theme)
            return
        }
        switch screen {
        case .gateways: GatewaysScreen.render(gateways, session: session, now: now, into: &grid, theme: theme)
        case .phases: PhasesScreen.render(phases, session: session, now: now, into: &grid, theme: theme)
        case .channels: ChannelsScreen.render(session, now: now, into: &grid, theme: theme)
        case .history: HistoryScreen.render(history, session: session, now: now, into: &grid, theme: theme)
        case .help: HelpScreen.render(help, session: session, now: now, into: &grid, theme: theme)
        }
        if dialog == nil, let sso = session.sso, session.status.isActive {
            SSOPanel.render(sso, now: now, into: &grid, theme: theme)
            KeyHintBar.draw(.ssoWait, y: grid.height - 1, into: &grid, box: theme.box)
        }
        if let dialog {
            dialog.render(into: &grid, theme: theme, now: now)
            KeyHintBar.draw(dialog.keymap, y: grid.height - 1, into: &grid, box: theme.box)
        }
    }
}
