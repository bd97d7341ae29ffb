import Engine
import Foundation
import GatewayProtocol
import Logging
import Store

/// swift-log lines to Swiftgate's log file (under XDG_STATE_HOME, DESIGN.md §3) and, with `--verbose`, to stderr.
/// The engine never hands it a secret: credentials are redacted where the lines are made.
struct LogFileHandler: LogHandler {
    let file: FileHandle?
    let mirrorToStandardError: Bool
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        // One line per event, whatever the message holds (gateway text among it): no raw newline or escape.
        let text = "\(UTCTime.iso8601(Date(), milliseconds: false)) \(event.level) \(LogText.escaped("\(event.message)"))\n"
        let data = Data(text.utf8)
        // A full disk or a closed stderr drops the line; it never traps (issue 13, item 3).
        try? self.file?.write(contentsOf: data)
        if mirrorToStandardError { StandardStreams.err(text) }
    }

    /// Opens (creating 0700 / 0600, and under sudo handing to the user) `swiftgate.log` in the state directory,
    /// never through a link planted there (issue 13, item 4); logging goes on without the file if it cannot.
    static func open(directory: String) -> FileHandle? {
        do {
            let descriptor = try SafeFiles.openForAppending(directory: directory, name: "swiftgate.log",
                                                            handover: SudoHandover.fromSudo())
            return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        } catch {
            FileManager.default.standardError("swiftgate: no log file: \(error)\n")
            return nil
        }
    }
}
