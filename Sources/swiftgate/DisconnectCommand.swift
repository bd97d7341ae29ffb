import ArgumentParser
import Engine
import Foundation
import Service

/// `swiftgate disconnect [NAME]`: ends a connection (yours; any, as root) and waits until it is down.
struct DisconnectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disconnect",
        abstract: "End a connection the service runs (the only one, or NAME)."
    )

    @Argument(help: "The connection's name (as 'swiftgate status' shows it).")
    var name: String?

    @Option(help: "Seconds to wait for the teardown.")
    var timeout: Double = 30

    @OptionGroup var store: StoreOptions

    func run() throws {
        let client: ServiceClient
        do { client = try ServiceAccess.open(program: "swiftgate disconnect") } catch { throw ServiceQuery.failure("\(error)") }
        defer { client.close() }
        let stopped: String
        do {
            stopped = try client.request(.disconnect(name: name)) { if case .accepted(let name) = $0 { return name } else { return nil } }
        } catch { throw ServiceQuery.failure("\(error)") }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard let (list, ended) = try? client.statusAndEnded() else { break }
            if !list.contains(where: { $0.name == stopped }) {
                if let database = try? store.open() { HistoryRepair.finish(ended, in: database) }
                print("Disconnected \(stopped).")
                return
            }
            usleep(100_000)
        }
        throw ServiceQuery.failure("\(stopped) did not finish its teardown within \(Int(timeout)) s: see 'swiftgate status'")
    }
}
