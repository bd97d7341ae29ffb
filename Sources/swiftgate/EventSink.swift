import Engine
import Foundation
import Logging

/// Prints an engine's events as they arrive, to stdout (`--events json|text`) or stderr (progress for people).
struct EventSink {
    let formatter: EventFormatter?
    let toStandardOutput: Bool
    /// Every event also goes to the log file, as text.
    var logger: Logger?

    init(mode: EventsMode?, logger: Logger? = nil) {
        self.logger = logger
        switch mode {
        case .json?: formatter = EventFormatter(style: .json); toStandardOutput = true
        case .text?: formatter = EventFormatter(style: .text); toStandardOutput = true
        case nil: formatter = EventFormatter(style: .text); toStandardOutput = false
        }
    }

    /// Drains the stream until the engine finishes it; returns what the history needs.
    func drain(_ events: AsyncStream<EngineEvent>) async -> SessionSummary {
        var summary = SessionSummary()
        for await event in events {
            summary.observe(event)
            logger?.info("\(EventFormatter(style: .text).format(event))")
            guard let formatter else { continue }
            // Progress on stderr ends with the command's own error line; do not say it twice.
            if !toStandardOutput, case .error = event { continue }
            let line = formatter.format(event) + "\n"
            if toStandardOutput {
                FileHandle.standardOutput.write(Data(line.utf8))
            } else {
                FileHandle.standardError.write(Data(line.utf8))
            }
        }
        return summary
    }
}

enum EventsMode: String, CaseIterable, Sendable {
    case json, text
}
