import Engine

/// The gateway holding a login step (a push approval pending on a phone): since when, and for how long at most.
public struct GatewayWait: Sendable, Equatable {
    public var phase: PhaseID
    /// When the step was sent, in the front end's clock.
    public var since: Double
    public var timeoutSeconds: Int

    public init(phase: PhaseID, since: Double, timeoutSeconds: Int) {
        self.phase = phase
        self.since = since
        self.timeoutSeconds = timeoutSeconds
    }

    public func elapsedSeconds(now: Double) -> Int { max(0, Int(now - since)) }

    /// The line under the timeline; `Esc` cancels (PhasesState).
    public func text(now: Double) -> String {
        "waiting for the gateway — approve the request on your device?  \(elapsedSeconds(now: now)) s of at most "
            + "\(timeoutSeconds) s · Esc cancels"
    }
}
