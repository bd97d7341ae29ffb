import Foundation
import Store

/// The store of a `swiftgate connect`, opened on a thread of its own while ArgumentParser parses the command line
/// (issue 12, item 4). Parsing and opening the store (GRDB's pool, the schema check, the migrator) each took 3–5 ms
/// of CPU on the way to the gateway's TCP connection, one after the other, while the second core sat idle.
///
/// Only for `connect` without `--db`, `--help` or `-h`, and only when the file exists: a warm-up never creates a
/// store or its directories, so a command that fails before it would open one leaves none behind. What it opened
/// is taken by `StoreOptions.open` for the same path; an open that failed here is simply done again there, and
/// fails there with its own report.
final class StoreWarmUp: @unchecked Sendable {
    /// This process's warm-up, started by the first use (`main` touches it before parsing); nil when the command
    /// line is not a `connect` it applies to.
    static let shared: StoreWarmUp? = start(arguments: CommandLine.arguments)

    let path: String
    private let lock = NSLock()
    private let opened = DispatchSemaphore(value: 0)
    private var store: SwiftgateStore?
    private var taken = false

    private init(path: String) {
        self.path = path
    }

    /// Starts the warm-up when `arguments` (the process's, program name first) are a `connect` it applies to.
    private static func start(arguments: [String]) -> StoreWarmUp? {
        guard arguments.count > 1, arguments[1] == "connect" else { return nil }
        let names = ["--db", "--help", "-h"]
        guard !arguments.dropFirst(2).contains(where: { argument in
            names.contains(argument) || argument.hasPrefix("--db=")
        }) else { return nil }
        let path = StorePaths.resolve().databasePath
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let warmUp = StoreWarmUp(path: path)
        Thread.detachNewThread {
            let store = try? SwiftgateStore(path: path)
            warmUp.lock.withLock { warmUp.store = store }
            warmUp.opened.signal()
        }
        return warmUp
    }

    /// The store opened ahead for `path`, once; nil when it failed, or for another path.
    func take(path: String) -> SwiftgateStore? {
        finish()
        return lock.withLock {
            guard !taken, path == self.path else { return nil }
            taken = true
            return store
        }
    }

    /// Waits for the warm-up's thread, so that no thread is inside SQLite while the process exits.
    func finish() {
        opened.wait()
        opened.signal()  // for the next wait
    }
}
