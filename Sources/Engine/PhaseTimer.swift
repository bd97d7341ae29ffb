/// Start times of running phases, so every `done`/`failed` event carries its duration.
struct PhaseTimer {
    private var started: [PhaseID: ContinuousClock.Instant] = [:]
    private(set) var current: PhaseID?

    mutating func start(_ phase: PhaseID, now: ContinuousClock.Instant) {
        started[phase] = now
        current = phase
    }

    /// Milliseconds since the phase started; ends it.
    mutating func end(_ phase: PhaseID, now: ContinuousClock.Instant) -> Int? {
        if current == phase { current = nil }
        guard let start = started.removeValue(forKey: phase) else { return nil }
        let elapsed = now - start
        return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }
}
