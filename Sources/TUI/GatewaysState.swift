/// The gateways screen's state: the saved gateways, the selection, the filter (and whether it is being typed).
public struct GatewaysState: Sendable, Equatable {
    public var gateways: [GatewaySummary]
    public var selection = ListSelection()
    public private(set) var filter = ""
    public private(set) var isFiltering = false

    public init(gateways: [GatewaySummary] = []) {
        self.gateways = gateways
    }

    /// The gateways the filter lets through, in the given order.
    public var visible: [GatewaySummary] { gateways.filter { $0.matches(filter) } }

    public var selected: GatewaySummary? {
        let shown = visible
        return shown.indices.contains(selection.index) ? shown[selection.index] : nil
    }

    /// The keymap in force: the filter's while typing one.
    public var keymap: Keymap { isFiltering ? .filter : .gateways }

    /// Replaces the list (after an add, edit or delete), keeping the selection on the same name if it is still there.
    public mutating func update(_ gateways: [GatewaySummary]) {
        let name = selected?.name
        self.gateways = gateways
        if let name, let index = visible.firstIndex(where: { $0.name == name }) { selection.index = index }
        selection.clamp(count: visible.count)
    }

    public mutating func handle(_ key: Key) -> ScreenOutcome {
        if isFiltering { return handleFilter(key) }
        guard let action = Keymap.gateways.action(for: key) else { return .none }
        switch action {
        case .connect: return selected.map { .connect($0.name) } ?? .none
        case .filter: isFiltering = true
        case .back:
            filter = ""
            selection.clamp(count: visible.count)
        case .add: return .add
        case .cleanup: return .cleanup
        case .forgetPassword: return selected.map { .forgetPassword($0.name) } ?? .none
        case .edit: return selected.map { .edit($0.name) } ?? .none
        case .delete: return selected.map { .delete($0.name) } ?? .none
        case .help: return .show(.help)
        case .quit: return .quit
        case .showGateways: return .none
        case .showPhases: return .show(.phases)
        case .showChannels: return .show(.channels)
        case .showHistory: return .show(.history)
        default: selection.handle(action, count: visible.count)
        }
        return .none
    }

    private mutating func handleFilter(_ key: Key) -> ScreenOutcome {
        switch Keymap.filter.action(for: key) {
        case .select?: isFiltering = false
        case .back?:
            filter = ""
            isFiltering = false
        case .eraseCharacter?: if !filter.isEmpty { filter.removeLast() }
        case .clearField?: filter = ""
        case let action?: selection.handle(action, count: visible.count)
        case nil:
            if case .character(let character) = key { filter.append(character) }
        }
        selection.clamp(count: visible.count)
        return .none
    }
}
