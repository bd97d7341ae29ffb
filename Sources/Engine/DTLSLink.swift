import GatewayProtocol
import SecureChannel

/// The DTLS channel's I/O inside the data plane thread: one `DatagramLink` per attempt, its handshake timers,
/// reads and writes (protocol.md §4.4). When to try, when the channel is dead and what follows are
/// `TunnelSession`'s. Not thread-safe: only the data plane's loop touches it.
final class DTLSLink {
    enum HandshakeEvent: Equatable {
        case up(dataMTU: Int)
        case failed(String)
    }

    let dialer: any DatagramDialer
    private var link: (any DatagramLink)?
    private var handshaking = false
    /// When the handshake's retransmission timer passes.
    private var timer: Double?

    init(dialer: any DatagramDialer) {
        self.dialer = dialer
    }

    var descriptor: Int32 { link?.descriptor ?? -1 }
    var isHandshaking: Bool { link != nil && handshaking }
    var isUp: Bool { link != nil && !handshaking }
    var protocolVersion: String? { link?.protocolVersion }
    var cipher: String? { link?.cipher }

    func nextDeadline() -> Double? { isHandshaking ? timer : nil }

    /// Opens a client for a new attempt; the reason when it cannot.
    func start(now: Double) -> String? {
        close()
        do {
            link = try dialer.dial()
            handshaking = true
            timer = now
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Advances the handshake when the socket is readable or its timer passed.
    func serviceHandshake(now: Double, readable: Bool) -> HandshakeEvent? {
        guard let link, handshaking else { return nil }
        let timedOut = timer.map { now >= $0 } ?? false
        guard readable || timedOut else { return nil }
        if timedOut { link.handleTimeout() }
        switch link.handshake() {
        case .done:
            handshaking = false
            timer = nil
            return .up(dataMTU: link.tunnelMTU)
        case .inProgress(let milliseconds):
            timer = now + Double(milliseconds) / 1000
            return nil
        case .failed(let reason):
            close()
            return .failed(reason)
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSClient.IOResult {
        guard let link, !handshaking else { return .wantRead }
        return link.read(into: buffer)
    }

    /// Sends one datagram; the reason when the channel broke. A full socket buffer drops it (UDP semantics).
    func send(_ datagram: UnsafeRawBufferPointer) -> String? {
        guard let link, !handshaking else { return nil }
        switch link.write(datagram) {
        case .done, .wantWrite, .wantRead: return nil
        case .closed: return "the gateway closed DTLS"
        case .failed(let reason): return reason
        }
    }

    /// Sends the datagrams written since the last flush. A refused batch is lost as UDP loses packets; the
    /// link then reports each later write's failure itself, so `send` falls back to TLS per packet as before.
    func flush() {
        guard let link, !handshaking else { return }
        _ = link.flush()
    }

    func close() {
        link?.close()
        link = nil
        handshaking = false
        timer = nil
    }
}
