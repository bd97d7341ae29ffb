import ArgumentParser
import Engine
import Foundation
import Service
import TUI

/// `swiftgate stats [NAME]`: the traffic counters of each channel.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show the traffic of your connections, per channel."
    )

    @Argument(help: "A connection's name (default: all).")
    var name: String?

    @Flag(help: "JSON.")
    var json = false

    func run() throws {
        var list = try ServiceQuery.status(program: "swiftgate stats")
        if let name {
            list = list.filter { $0.name == name }
            guard !list.isEmpty else { throw ServiceQuery.failure("no connection named \(name)") }
        }
        if json {
            let rows = list.map { status in
                StatsRow(name: status.name, bytesIn: status.bytesIn, bytesOut: status.bytesOut, packetsIn: status.packetsIn,
                         packetsOut: status.packetsOut, channels: status.perChannel.values.sorted { $0.channel.rawValue < $1.channel.rawValue })
            }
            StandardStreams.out(try ServiceQuery.json(["connections": rows]) + "\n")
            return
        }
        if list.isEmpty { print("No connection is up.") }
        for status in list {
            print("\(status.name): in \(Formatting.bytes(status.bytesIn)) (\(status.packetsIn) packets), "
                  + "out \(Formatting.bytes(status.bytesOut)) (\(status.packetsOut) packets)")
            for channel in status.perChannel.values.sorted(by: { $0.channel.rawValue < $1.channel.rawValue }) {
                print("  \(channel.channel.rawValue.uppercased()): in \(Formatting.bytes(channel.bytesIn)) (\(channel.packetsIn)), "
                      + "out \(Formatting.bytes(channel.bytesOut)) (\(channel.packetsOut))")
            }
        }
    }

    struct StatsRow: Encodable {
        var name: String
        var bytesIn, bytesOut, packetsIn, packetsOut: Int
        var channels: [TrafficStats]
    }
}
