import ArgumentParser
import Engine
import Foundation
import Service

/// `swiftgate status [--json]`: the connections the service runs for this user (all of them for root), as
/// Cisco's `vpn state`.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the connections the service runs for you."
    )

    @Flag(help: "One JSON document: {\"connections\": [...], \"ended\": [...]} (ended: lately, with their outcome).")
    var json = false

    @OptionGroup var store: StoreOptions

    func run() throws {
        // Connections that ended while nobody was attached finish their history in the user's database here.
        let (list, ended) = try ServiceQuery.statusAndEnded(program: "swiftgate status", store: try? store.open())
        if json {
            StandardStreams.out(try ServiceQuery.json(["connections": list, "ended": ended]) + "\n")
            return
        }
        guard !list.isEmpty else {
            print("No connection is up.")
            return
        }
        for status in list { print(StatusText.lines(status).joined(separator: "\n")) }
    }
}
