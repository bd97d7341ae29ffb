import Engine
import Foundation
import Logging

/// Prints an engine's events as they arrive, to stdout (`--events json|text`) or stderr (progress for people).
/// An output that fails (a closed pipe such as `| head -2`, a closed terminal, a full disk) is dropped from then on,
/// with one line in the log: the session goes on, and ends with its BYE and teardown (issue 13, item 3).
final class EventSink {
    let formatter: EventFormatter?
    let toStandardOutput: Bool
    /// Every event also goes to the log file, as text.
    var logger: Logger?
    private var outputFailed = false

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
            guard let formatter, !outputFailed else { continue }
            // Progress on stderr ends with the command's own error line; do not say it twice.
            if !toStandardOutput, case .error = event { continue }
            let line = formatter.format(event) + "\n"
            let written = toStandardOutput ? StandardStreams.out(line) : StandardStreams.err(line)
            if !written {
                outputFailed = true
                logger?.warning("\(toStandardOutput ? "stdout" : "stderr") failed (\(String(cString: strerror(errno)))): events no longer printed")
            }
        }
        return summary
    }
}

enum EventsMode: String, CaseIterable, Sendable {
    case json, text
}
