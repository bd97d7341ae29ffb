import Engine
import Foundation
import Store

/// Records a connection attempt in the history: started now, finished with its outcome. A store failure never
/// ends a connection; it is reported on stderr.
struct HistoryWriter {
    let store: SwiftgateStore
    let id: Int64?

    init(store: SwiftgateStore, gateway: String?, url: String) {
        self.store = store
        self.id = try? store.recordConnection(ConnectionRecord(gatewayName: gateway, url: url, startedAt: Date()))
    }

    func finish(outcome: String, summary: SessionSummary) {
        guard let id else { return }
        do {
            try store.finishConnection(id: id, endedAt: Date(), outcome: outcome,
                                       transport: summary.transport.flatMap { ConnectionTransport(rawValue: $0.rawValue) },
                                       bytesIn: Int64(summary.totalIn), bytesOut: Int64(summary.totalOut),
                                       phaseTimings: summary.phaseTimings)
        } catch {
            FileManager.default.standardError("swiftgate: could not record the connection in the history: \(error)\n")
        }
    }
}
