import Dispatch
import Engine
import Glibc
import Service

/// SIGINT/SIGTERM stop the tunnel with a DISCONNECT (the gateway ends the session); SIGHUP stops it without one,
/// so the cookie stays valid (protocol.md §5.4); SIGUSR2 brings the tunnel back on a new connection (§5.3).
/// Before the tunnel is up, a stop signal ends the process at once.
final class SignalHandling {
    private let sources: [DispatchSourceSignal]

    convenience init(engine: ConnectionEngine) {
        self.init(stop: { hangup in await engine.requestStop(hangup: hangup) },
                  reconnect: { await engine.requestReconnect() })
    }

    /// Through the service: a stop is the service's disconnect (the front end waits for its end).
    convenience init(remote: RemoteConnection) {
        self.init(stop: { _ in remote.disconnect(); return true }, reconnect: { remote.reconnect() })
    }

    init(stop: @escaping @Sendable (Bool) async -> Bool, reconnect: @escaping @Sendable () async -> Void) {
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                Task {
                    let handled = await stop(signalNumber == SIGHUP)
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
        let reconnectSource = DispatchSource.makeSignalSource(signal: SIGUSR2, queue: .global())
        reconnectSource.setEventHandler { Task { await reconnect() } }
        reconnectSource.resume()
        sources.append(reconnectSource)
        self.sources = sources
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
