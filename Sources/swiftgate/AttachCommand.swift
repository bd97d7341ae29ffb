import ArgumentParser
import Engine
import Foundation
import GatewayProtocol
import Service
import Store

/// `swiftgate attach NAME`: the events of a running connection (its story so far first), and its questions
/// answered here; Ctrl-C lets go, the connection stays up.
struct AttachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Follow a running connection's events (Ctrl-C detaches; the connection stays up)."
    )

    @Argument(help: "The connection's name.")
    var name: String

    @Option(help: "Event stream on stdout: json or text (default: text on stderr).")
    var events: EventsMode?

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let client: ServiceClient
        do { client = try ServiceAccess.open(program: "swiftgate attach") } catch { throw ServiceQuery.failure("\(error)") }
        let database = try store.open()
        defer { database.checkpoint() }
        let remote: RemoteConnection
        do {
            // A relogin the connection asks for while attached here is answered as `connect` would: the saved
            // user, and the saved password where the keyring has one.
            let saved = try? database.gateway(named: name)
            let url = try client.status().first { $0.name == name }.flatMap { try? GatewayURL(parsing: $0.url) }
            var frontEnd: any FrontEnd = HeadlessFrontEnd(username: saved?.username, passwordOnStdin: false, nonInteractive: false)
            if let url { frontEnd = SavedPasswords.wrap(frontEnd, url: url, user: saved?.username, save: false, typed: false).0 }
            remote = try RemoteConnection.attach(name, client: client, frontEnd: frontEnd, store: SQLiteSessionStore(store: database))
        } catch { throw ServiceQuery.failure("\(error)") }
        let signals = SignalHandling(stop: { _ in remote.detach(); return true }, reconnect: { remote.reconnect() })
        defer { signals.cancel() }
        let sink = EventSink(mode: events ?? .text)
        let printer = Task { await sink.drain(remote.events) }
        let ending = await remote.ended()
        _ = await printer.value
        switch ending {
        case .ended(let outcome, let failed, let code):
            StandardStreams.err("swiftgate: \(name): \(outcome)\n")
            if failed { throw ExitCode(code == 0 ? 1 : code) }
        case .detached:
            StandardStreams.err("swiftgate: detached; \(name) stays up\n")
        case .lost(let why):
            throw ServiceQuery.failure(why)
        }
    }
}
