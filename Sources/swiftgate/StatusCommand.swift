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

    @Flag(help: "One JSON document: {\"connections\": [...]}.")
    var json = false

    func run() throws {
        let list = try ServiceQuery.status(program: "swiftgate status")
        if json {
            StandardStreams.out(try ServiceQuery.json(["connections": list]) + "\n")
            return
        }
        guard !list.isEmpty else {
            print("No connection is up.")
            return
        }
        for status in list { print(StatusText.lines(status).joined(separator: "\n")) }
    }
}
