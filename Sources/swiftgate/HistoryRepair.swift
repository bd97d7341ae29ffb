import Engine
import Foundation
import Service
import Store

/// Finishes the history of connections that ended in the service while no front end of theirs was attached
/// (the front end that started one left it "detached"): whichever front end of the user hears of the end next
/// writes its outcome, end time and traffic into the user's database.
enum HistoryRepair {
    static let detachedPrefix = "detached"

    static func finish(_ ended: [ConnectionStatus], in store: SwiftgateStore) {
        let waiting = ended.filter { $0.historyID != nil }
        guard !waiting.isEmpty, let records = try? store.history(limit: 500) else { return }
        for status in waiting {
            guard let id = status.historyID,
                  let record = records.first(where: { $0.id == id }), record.outcome.hasPrefix(detachedPrefix) else { continue }
            _ = try? store.finishConnection(id: id, endedAt: status.endedAt ?? Date(), outcome: status.outcome ?? "ended",
                                            transport: status.transport.flatMap { ConnectionTransport(rawValue: $0.rawValue) },
                                            bytesIn: Int64(status.bytesIn), bytesOut: Int64(status.bytesOut))
        }
    }
}
