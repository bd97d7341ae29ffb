import Foundation
internal import GRDB

/// One connection attempt in the history: recorded when it starts, finished when it ends.
public struct ConnectionRecord: Sendable, Hashable {
    /// Assigned by the store; nil on a record not yet recorded.
    public internal(set) var id: Int64?
    /// The saved gateway's name, when the target was one; history outlives the gateway, so this is not a reference.
    public var gatewayName: String?
    public var url: String
    public var startedAt: Date
    /// Nil while the connection is running, or when the process died before finishing it.
    public var endedAt: Date?
    /// e.g. "connecting", "connected", "disconnected", "auth-refused", "certificate-untrusted", "error: …".
    /// Never a password or a cookie.
    public var outcome: String
    /// Milliseconds per phase id (tls, group-select, user-auth, download, cstp, dtls).
    public var phaseTimings: [String: Int]
    public var transport: ConnectionTransport?
    public var bytesIn: Int64
    public var bytesOut: Int64

    public init(gatewayName: String?, url: String, startedAt: Date, endedAt: Date? = nil, outcome: String = "connecting",
                phaseTimings: [String: Int] = [:], transport: ConnectionTransport? = nil,
                bytesIn: Int64 = 0, bytesOut: Int64 = 0) {
        self.id = nil
        self.gatewayName = gatewayName
        self.url = url
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.outcome = outcome
        self.phaseTimings = phaseTimings
        self.transport = transport
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
    }

    init(row: Row) throws {
        let timingsJSON: String = row["phaseTimings"]
        let timings: [String: Int]
        do {
            timings = try JSONDecoder().decode([String: Int].self, from: Data(timingsJSON.utf8))
        } catch {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "connection.phaseTimings is not a JSON object of numbers")
        }
        let transportText: String? = row["transport"]
        self.init(gatewayName: row["gatewayName"], url: row["url"], startedAt: (row["startedAt"] as StoredDate).date,
                  endedAt: (row["endedAt"] as StoredDate?)?.date,
                  outcome: row["outcome"], phaseTimings: timings, transport: transportText.flatMap(ConnectionTransport.init),
                  bytesIn: row["bytesIn"], bytesOut: row["bytesOut"])
        id = row["id"]
    }

    /// JSON text for the phaseTimings column; sorted keys so equal timings give equal text.
    static func json(_ timings: [String: Int]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(timings)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
