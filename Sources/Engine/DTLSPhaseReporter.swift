import Synchronization

/// Turns the data plane's DTLS channel changes into `dtls` phase events (started, done, failed) with the
/// duration since the first attempt. Called from the data plane's thread.
final class DTLSPhaseReporter: Sendable {
    private struct State {
        var started: ContinuousClock.Instant?
        var finished = false
        var attempts = 0
    }

    private let state = Mutex(State())
    private let emit: @Sendable (EngineEvent) -> Void
    /// When a first attempt begun before the data plane (`DTLSHandshakeAhead`) really started.
    private let firstAttemptStarted: ContinuousClock.Instant?

    init(firstAttemptStarted: ContinuousClock.Instant? = nil, emit: @escaping @Sendable (EngineEvent) -> Void) {
        self.firstAttemptStarted = firstAttemptStarted
        self.emit = emit
    }

    func channelChanged(_ info: ChannelInfo) {
        emit(.channel(info))
        guard info.channel == .dtls else { return }
        let now = ContinuousClock.now
        let event: EngineEvent? = state.withLock { state in
            switch info.state {
            case .connecting where state.started == nil:
                state.attempts += 1
                // The phase lasts from the handshake's first packet, which went out before `connected`.
                state.started = state.attempts == 1 ? (firstAttemptStarted ?? now) : now
                return .phase(.dtls, .started, milliseconds: nil, detail: [("mode", .string(info.reason ?? ""))])
            case .up:
                let ms = state.started.map { Self.milliseconds(now - $0) }
                state.started = nil
                state.finished = true
                return .phase(.dtls, .done, milliseconds: ms, detail: [
                    ("protocol", .string(info.protocolVersion ?? "")), ("cipher", .string(info.cipher ?? "")),
                    ("mode", .string(info.reason ?? "")),
                ])
            case .backoff:
                return .phase(.dtls, .retry, milliseconds: nil, detail: [
                    ("attempt", .int(info.attempt ?? 0)), ("of", .int(5)), ("next_in_s", .int(info.nextInSeconds ?? 0)),
                    ("reason", .string(info.reason ?? "")),
                ])
            case .failed where state.started != nil:
                let ms = state.started.map { Self.milliseconds(now - $0) }
                state.started = nil
                return .phase(.dtls, .failed, milliseconds: ms, detail: [("reason", .string(info.reason ?? ""))])
            default:
                return nil
            }
        }
        if let event { emit(event) }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
