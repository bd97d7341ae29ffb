import Foundation

/// The history screen's state: the entries (newest first, as given), the selection, and the time zone dates
/// are shown in (a parameter, so snapshots do not depend on the machine).
public struct HistoryState: Sendable, Equatable {
    public var entries: [HistoryEntry]
    public var selection = ListSelection()
    public var timeZone: TimeZone

    public init(entries: [HistoryEntry] = [], timeZone: TimeZone = .current) {
        self.entries = entries
        self.timeZone = timeZone
    }

    public mutating func handle(_ key: Key) -> ScreenOutcome {
        guard let action = Keymap.history.action(for: key) else { return .none }
        switch action {
        case .connect:
            return entries.indices.contains(selection.index) ? .connect(entries[selection.index].gateway) : .none
        case .showGateways: return .show(.gateways)
        case .showPhases: return .show(.phases)
        case .showChannels: return .show(.channels)
        case .help: return .show(.help)
        case .quit: return .quit
        default:
            selection.handle(action, count: entries.count)
            return .none
        }
    }

    /// "2025-01-10 09:12" in the state's time zone, without locale surprises.
    public func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ n: Int?) -> String { Formatting.twoDigits(n ?? 0) }
        return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute))"
    }
}
