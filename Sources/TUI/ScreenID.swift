/// The full screens, in tab order (their number keys are 1-4; help is `?`).
public enum ScreenID: String, Sendable, CaseIterable {
    case gateways, phases, channels, history, help

    public var title: String {
        switch self {
        case .gateways: "Gateways"
        case .phases: "Phases"
        case .channels: "Channels"
        case .history: "History"
        case .help: "Help"
        }
    }

    /// The key that shows the screen, as the title bar prints it.
    public var key: String {
        switch self {
        case .gateways: "1"
        case .phases: "2"
        case .channels: "3"
        case .history: "4"
        case .help: "?"
        }
    }

    public var keymap: Keymap {
        switch self {
        case .gateways: .gateways
        case .phases: .phases
        case .channels: .channels
        case .history: .history
        case .help: .help
        }
    }
}
