import ArgumentParser
import Foundation
import GatewayProtocol
import Store

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "Past connections, newest first.")
    @OptionGroup var store: StoreOptions
    @Option(help: "How many.") var limit = 20

    func run() throws {
        let records = try store.open().history(limit: limit)
        guard !records.isEmpty else { print("No connections yet."); return }
        for record in records {
            let started = UTCTime.iso8601(record.startedAt, milliseconds: false)
            let duration = record.endedAt.map { " \(Int($0.timeIntervalSince(record.startedAt))) s" } ?? ""
            let transport = record.transport.map { " \($0.rawValue)" } ?? ""
            let traffic = record.bytesIn + record.bytesOut > 0 ? " in \(record.bytesIn) B out \(record.bytesOut) B" : ""
            print("\(started)  \(record.gatewayName ?? record.url)\(duration)\(transport)\(traffic)  \(record.outcome)")
        }
    }
}
