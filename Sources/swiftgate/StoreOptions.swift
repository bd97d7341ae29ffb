import ArgumentParser
import Foundation
import GatewayProtocol
import Store

/// `--db PATH` (every command): the SQLite store, by default under the XDG data directory (the invoking user's
/// under sudo).
struct StoreOptions: ParsableArguments {
    @Option(help: "Database path (default: ${XDG_DATA_HOME:-~/.local/share}/swiftgate/swiftgate.sqlite).")
    var db: String?

    var path: String { db ?? StorePaths.resolve().databasePath }

    func open() throws -> SwiftgateStore {
        let path = path
        // A `connect`'s store may be open already (StoreWarmUp).
        if db == nil, let store = StoreWarmUp.shared?.take(path: path) { return store }
        do {
            return try SwiftgateStore(path: path)
        } catch {
            FileManager.default.standardError("swiftgate: \(error)\n")
            throw ExitCode(1)
        }
    }
}

extension FileManager {
    /// Writes a line for people on stderr.
    func standardError(_ text: String) {
        // Error texts carry gateway words (reasons, certificate subjects): never a control character to the terminal.
        StandardStreams.err(GatewayText.printable(text, keepNewlines: true))
    }
}
