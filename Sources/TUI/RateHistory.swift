/// The last few total rates (all channels together), oldest first, for the sparklines. Data moves from TLS
/// to DTLS mid-session, so the history sums the channels rather than following one.
public struct RateHistory: Sendable, Equatable {
    public struct Sample: Sendable, Equatable {
        public var time: Double
        public var bytesInPerSecond: Double
        public var bytesOutPerSecond: Double
    }

    public private(set) var samples: [Sample] = []
    public let capacity: Int

    public init(capacity: Int = 120) { self.capacity = max(1, capacity) }

    /// Adds a sample, or replaces the last one when it is from the same moment (TLS and DTLS stats arrive
    /// together, one event each).
    public mutating func record(_ sample: Sample, sameMomentWithin tolerance: Double = 0.25) {
        if let last = samples.last, abs(sample.time - last.time) <= tolerance {
            samples[samples.count - 1] = sample
        } else {
            samples.append(sample)
            if samples.count > capacity { samples.removeFirst(samples.count - capacity) }
        }
    }

    public var inRates: [Double] { samples.map(\.bytesInPerSecond) }
    public var outRates: [Double] { samples.map(\.bytesOutPerSecond) }
}
