/// Bounds on what a gateway can make the data plane keep or say (issue 13, item 7).
public enum FrameBudget {
    /// DPD answers waiting to be written at most: a gateway that floods DPD requests and never reads gets the
    /// rest unanswered instead of an unbounded queue (its DPD then sees the answers it did get).
    public static let queuedDPDResponses = 8

    /// Whether one more DPD answer may be queued, with `queued` already waiting.
    public static func mayQueueDPDResponse(queued: Int) -> Bool { queued < queuedDPDResponses }
}

/// A log line per odd frame, but not a line per frame: the first few, then one every `every` with the count, so a
/// gateway sending junk cannot fill the log (issue 13, item 7).
public struct LogThrottle: Sendable, Equatable {
    public let first: Int
    public let every: Int
    public private(set) var count = 0

    public init(first: Int = 5, every: Int = 1000) {
        self.first = first
        self.every = every
    }

    /// Counts one occurrence; the line to log for it, if any (`line` is what a single occurrence says).
    public mutating func note(_ line: String) -> String? {
        count += 1
        if count <= first { return count == first ? line + " (further ones are counted, not each logged)" : line }
        return count % every == 0 ? "\(line) (\(count) so far)" : nil
    }
}
