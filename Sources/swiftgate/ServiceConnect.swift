import Engine
import Foundation
import GatewayProtocol
import Logging
import Service
import Store
import Vault

/// `swiftgate connect` through the service: the events printed as in-process, the questions answered here, the
/// user's database kept here; Ctrl-C disconnects, `--detach` leaves the tunnel up once it carries data.
struct ServiceConnect {
    let client: ServiceClient
    let request: ConnectRequest
    let frontEnd: any FrontEnd
    /// The saved-password front end inside `frontEnd`, if any: it saves a typed password once the login is done.
    var savedPasswords: SavedPasswordFrontEnd? = nil
    let database: SwiftgateStore
    let gatewayName: String?
    let url: GatewayURL
    let events: EventsMode?
    let logger: Logger
    let detach: Bool
    let browserCommand: String?

    /// The exit code.
    func run() async -> Int32 {
        let history = HistoryWriter(store: database, gateway: gatewayName, url: url.description)
        let remote: RemoteConnection
        do {
            var request = self.request
            request.historyID = history.id
            remote = try RemoteConnection.start(request, client: client, frontEnd: frontEnd,
                                                store: SQLiteSessionStore(store: database), browserCommand: browserCommand)
        } catch {
            history.finish(outcome: "failed (exit 1): \(error)", summary: SessionSummary())
            FileManager.default.standardError("swiftgate: \(error)\n")
            return 1
        }
        let signals = SignalHandling(remote: remote)
        defer { signals.cancel() }
        let lastError = LastError()
        let detach = self.detach, savedPasswords = self.savedPasswords
        let forwarded = AsyncStream<EngineEvent> { continuation in
            Task {
                for await event in remote.events {
                    continuation.yield(event)
                    if case .error(_, let message) = event { lastError.set(message) }
                    if detach, case .connected = event { remote.detach() }
                    if case .phase(.userAuth, .done, _, _) = event { await SavedPasswords.commit(savedPasswords) }
                }
                continuation.finish()
            }
        }
        let sink = EventSink(mode: events, logger: logger)
        let printer = Task { await sink.drain(forwarded) }
        let ending = await remote.ended()
        let summary = await printer.value
        switch ending {
        case let .ended(outcome, failed, exitCode):
            history.finish(outcome: outcome, summary: summary)
            guard failed else { return 0 }
            FileManager.default.standardError("swiftgate: " + (lastError.value ?? outcome) + "\n")
            return exitCode == 0 ? 1 : exitCode
        case .detached:
            history.finish(outcome: HistoryRepair.detachedPrefix + ": still up in the service", summary: summary)
            StandardStreams.err("swiftgate: \(remote.name) is up in the service; 'swiftgate status' shows it, "
                                + "'swiftgate disconnect \(remote.name)' ends it\n")
            return 0
        case .lost(let why):
            history.finish(outcome: "failed (exit 1): \(why)", summary: summary)
            FileManager.default.standardError("swiftgate: \(why)\n")
            return 1
        }
    }
}

/// The last error event's text (what the in-process path prints as the command's error line).
final class LastError: Sendable {
    private let text = Mutex<String?>(nil)
    func set(_ value: String) { text.withLock { $0 = value } }
    var value: String? { text.withLock { $0 } }
}

import Synchronization
