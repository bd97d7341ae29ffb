/// Packet and byte counters of one channel (payload bytes, headers excluded).
public struct TunnelTraffic: Sendable, Equatable {
    public var bytesIn = 0, bytesOut = 0, packetsIn = 0, packetsOut = 0
    public init() {}
}
