import Foundation
import Logging

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
        let text = "\(Date().formatted(.iso8601)) \(event.level) \(event.message)\n"
        let data = Data(text.utf8)
        // A full disk or a closed stderr drops the line; it never traps (issue 13, item 3).
        try? self.file?.write(contentsOf: data)
        if mirrorToStandardError { StandardStreams.err(text) }
    }

    /// Opens (creating, mode 0600) `swiftgate.log` in the state directory; logging goes on without it if it cannot.
    static func open(directory: String) -> FileHandle? {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        let path = directory + "/swiftgate.log"
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { return nil }
        handle.seekToEndOfFile()
        return handle
    }
}
