import Engine
import Foundation

/// One connection as `swiftgate status` shows it.
public struct ConnectionStatus: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable {
        case connecting, connected, reconnecting, disconnecting, ended
    }

    public var name: String
    public var url: String
    public var ownerUID: UInt32
    public var state: State
    /// The phase now running (while connecting), or the last one.
    public var phase: PhaseID?
    public var startedAt: Date
    public var connectedAt: Date?
    public var transport: ChannelInfo.Kind?
    public var tunnel: TunnelInfo?
    public var channels: [ChannelInfo] = []
    public var bytesIn = 0
    public var bytesOut = 0
    public var packetsIn = 0
    public var packetsOut = 0
    /// Front ends attached now.
    public var attached = 0
    /// A question waits for an answer (with no front end attached, it waits a bounded time).
    public var waitingFor: String?
    public var outcome: String?
    public var endedAt: Date?
    /// The starting front end's history record (`ConnectRequest.historyID`).
    public var historyID: Int64?
    /// The counters of each channel (they add up to the totals above).
    public var perChannel: [ChannelInfo.Kind: TrafficStats] = [:]

    public init(name: String, url: String, ownerUID: UInt32, state: State, startedAt: Date) {
        self.name = name
        self.url = url
        self.ownerUID = ownerUID
        self.state = state
        self.startedAt = startedAt
    }
}
