/// One line of the log pane: the engine's log lines, and the events worth reading back (errors,
/// reconfigurations, the disconnect).
public struct LogLine: Sendable, Equatable {
    public enum Level: String, Sendable { case info, warning, error }

    public var time: Double
    public var text: String
    public var level: Level

    public init(time: Double, text: String, level: Level = .info) {
        self.time = time
        self.text = text
        self.level = level
    }
}
