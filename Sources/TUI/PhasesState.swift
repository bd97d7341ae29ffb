import Engine

/// The timeline's state: which phase is selected and which phases show their details.
public struct PhasesState: Sendable, Equatable {
    public var selected: PhaseID = .tls
    public var expanded: Set<PhaseID> = []
    /// Whether the selection follows the attempt; the user moving it stops that until the next attempt.
    public var followsAttempt = true

    public init() {}

    public mutating func handle(_ key: Key, session: AppState) -> ScreenOutcome {
        guard let action = Keymap.phases.action(for: key) else { return .none }
        let order = PhaseID.allCases
        let index = order.firstIndex(of: selected) ?? 0
        switch action {
        case .moveUp:
            selected = order[max(0, index - 1)]
            followsAttempt = false
        case .moveDown:
            selected = order[min(order.count - 1, index + 1)]
            followsAttempt = false
        case .details:
            if expanded.contains(selected) { expanded.remove(selected) } else { expanded.insert(selected) }
        case .back: expanded.remove(selected)
        case .disconnect: return session.status.isActive ? .disconnect : .none
        case .reconnect: return session.gateway == nil ? .none : .reconnect
        case .showGateways:
            // Esc while the gateway holds the login gives up the attempt (issue 10); the screen stays.
            if key == .escape, session.waiting != nil, session.status.isActive { return .cancelAttempt }
            return .show(.gateways)
        case .showChannels: return .show(.channels)
        case .showHistory: return .show(.history)
        case .help: return .show(.help)
        case .quit: return .quit
        default: break
        }
        return .none
    }

    /// Selects the phase under way (or the failed one), unless the user has moved the selection.
    public mutating func follow(_ session: AppState) {
        guard followsAttempt else { return }
        if let failed = session.failedPhase {
            selected = failed.id
        } else if let running = session.phases.last(where: { $0.state != nil }) {
            selected = running.id
        }
    }
}
