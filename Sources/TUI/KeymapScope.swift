/// Where a keymap applies: a screen, the gateway filter, or a dialog. Ordered as the help screen lists them.
public enum KeymapScope: String, Sendable, CaseIterable {
    case everywhere, gateways, filter, phases, channels, history, help
    case groupPicker, form, certificate, identityPicker, confirm, ssoWait

    public var title: String {
        switch self {
        case .everywhere: "Every screen"
        case .gateways: "Gateways"
        case .filter: "Gateways: typing a filter"
        case .phases: "Phases (connecting)"
        case .channels: "Channels (connected)"
        case .history: "History"
        case .help: "Help"
        case .groupPicker: "Dialog: group picker"
        case .form: "Dialog: login form"
        case .certificate: "Dialog: certificate"
        case .identityPicker: "Dialog: identity picker"
        case .confirm: "Dialog: confirmation"
        case .ssoWait: "Single sign-on (waiting for the browser)"
        }
    }

    /// Screens also answer the `everywhere` keys; dialogs and the filter take the keyboard for themselves.
    public var includesGlobalKeys: Bool {
        switch self {
        case .gateways, .phases, .channels, .history, .help: true
        default: false
        }
    }
}
