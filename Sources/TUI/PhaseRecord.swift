import Engine

/// What is known about one phase of the current attempt: its state, when it started, how long it took, why it
/// failed or was skipped, and its details for the on-demand view.
public struct PhaseRecord: Sendable, Equatable {
    public var id: PhaseID
    /// Nil while the phase has not started.
    public var state: PhaseState?
    public var startedAt: Double?
    public var endedAt: Double?
    /// The duration the engine measured, when the phase ended.
    public var milliseconds: Int?
    /// The latest event's details (a later event replaces them, except a retry, which adds to them).
    public var detail: [DetailItem]
    /// A DTLS retry: the attempt number, of how many, and when the next one is due.
    public var retry: Retry?
    /// A failure's or a skip's reason.
    public var reason: String?

    public struct Retry: Sendable, Equatable {
        public var attempt: Int
        public var of: Int
        public var nextInSeconds: Int
        /// When the retry event arrived: the countdown runs from here.
        public var at: Double
    }

    public init(id: PhaseID) {
        self.id = id
        self.detail = []
    }

    /// Milliseconds taken, or so far while the phase runs (`now` is the caller's clock).
    public func elapsedMilliseconds(now: Double) -> Int? {
        if let milliseconds { return milliseconds }
        guard let startedAt else { return nil }
        let end = endedAt ?? now
        return max(0, Int(((end - startedAt) * 1000).rounded()))
    }

    /// Whether the phase is under way (started or between retries).
    public var isRunning: Bool { state == .started || state == .retry }
}
