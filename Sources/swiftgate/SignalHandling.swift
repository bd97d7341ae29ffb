import Dispatch
import Engine
import Glibc

/// SIGINT/SIGTERM stop the tunnel with a DISCONNECT (the gateway ends the session); SIGHUP stops it without one,
/// so the cookie stays valid (protocol.md §5.4); SIGUSR2 brings the tunnel back on a new connection (§5.3).
/// Before the tunnel is up, a stop signal ends the process at once.
final class SignalHandling {
    private let sources: [DispatchSourceSignal]

    init(engine: ConnectionEngine) {
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                Task {
                    let handled = await engine.requestStop(hangup: signalNumber == SIGHUP)
                    if !handled {
                        _ = write(STDERR_FILENO, "swiftgate: interrupted\n", 23)
                        exit(1)
                    }
                }
            }
            source.resume()
            sources.append(source)
        }
        signal(SIGUSR2, SIG_IGN)
        let reconnect = DispatchSource.makeSignalSource(signal: SIGUSR2, queue: .global())
        reconnect.setEventHandler { Task { await engine.requestReconnect() } }
        reconnect.resume()
        sources.append(reconnect)
        self.sources = sources
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
