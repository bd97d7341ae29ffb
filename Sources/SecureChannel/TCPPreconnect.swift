import Foundation
import Glibc

/// The gateway's TCP connection, opened on a thread of its own as soon as the connect command has resolved its
/// target, while it makes its options, opens its log and loads its trust anchors; the first TLS handshake then
/// runs over it. The SYN round trip and the gateway's own accept-side work overlap ours: ocserv forks a worker per
/// connection and answered a ClientHello sent 1–2 ms after connect() in about 10 ms, one sent later in under 1 ms
/// (strace of both clients against the lab, docs/PERFORMANCE.md, issue 12 item 4). Nothing is sent on it before
/// the handshake, so nothing changes for trust or for what the gateway sees.
public final class TCPPreconnect: @unchecked Sendable {
    public let host: String
    public let port: Int
    /// Older than this when asked for, the connection is closed instead (something before the handshake, such as a
    /// passphrase prompt, took long enough that the gateway may have given up on a silent client).
    public let maximumAgeSeconds: Double

    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private var outcome: Result<TCPConnector.Connection, SecureChannelError>?
    private var connectedAt = 0.0
    private var taken = false

    private init(host: String, port: Int, maximumAgeSeconds: Double) {
        self.host = host
        self.port = port
        self.maximumAgeSeconds = maximumAgeSeconds
    }

    public static func start(host: String, port: Int, timeoutSeconds: Int, maximumAgeSeconds: Double = 5) -> TCPPreconnect {
        let preconnect = TCPPreconnect(host: host, port: port, maximumAgeSeconds: maximumAgeSeconds)
        Thread.detachNewThread {
            let result = Result { () throws(SecureChannelError) in
                try TCPConnector.connect(host: host, port: port, timeoutSeconds: timeoutSeconds)
            }
            preconnect.finish(result, at: Self.now())
        }
        return preconnect
    }

    /// The connection, or its failure, for the first handshake to `host`:`port`, waiting for the attempt to end
    /// (within its connect timeout); nil for another gateway, a second call, or a connection too old to use.
    /// A failure is the gateway's answer: connecting again at once would only double the wait.
    public func take(host: String, port: Int) -> Result<TCPConnector.Connection, SecureChannelError>? {
        guard host == self.host, port == self.port else { return nil }
        done.wait()
        done.signal()
        lock.lock()
        defer { lock.unlock() }
        guard !taken, let outcome else { return nil }
        taken = true
        if case .success(let connection) = outcome, Self.now() - connectedAt > maximumAgeSeconds {
            Glibc.close(connection.descriptor)
            return nil
        }
        return outcome
    }

    private func finish(_ result: Result<TCPConnector.Connection, SecureChannelError>, at time: Double) {
        lock.lock()
        outcome = result
        connectedAt = time
        lock.unlock()
        done.signal()
    }

    deinit {
        // Never taken: the engine did not get as far as the handshake.
        if !taken, case .success(let connection)? = outcome { Glibc.close(connection.descriptor) }
    }

    private static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
