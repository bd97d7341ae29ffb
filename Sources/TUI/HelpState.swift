/// The help screen's scroll position, and the screen it returns to.
public struct HelpState: Sendable, Equatable {
    public var scroll = 0
    public var returnTo: ScreenID = .gateways

    public init() {}

    public mutating func handle(_ key: Key) -> ScreenOutcome {
        guard let action = Keymap.help.action(for: key) else { return .none }
        switch action {
        case .moveUp: scroll = max(0, scroll - 1)
        case .moveDown: scroll += 1
        case .pageUp: scroll = max(0, scroll - 10)
        case .pageDown: scroll += 10
        case .back, .help: return .back
        case .showGateways: return .show(.gateways)
        case .showPhases: return .show(.phases)
        case .showChannels: return .show(.channels)
        case .showHistory: return .show(.history)
        case .quit: return .quit
        default: break
        }
        return .none
    }
}
