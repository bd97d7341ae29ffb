import GatewayProtocol
import Glibc
import SecureChannel

/// The DTLS channel's life inside the data plane thread: handshake, backoff, liveness (protocol.md §4.4, §4.6).
/// Not thread-safe: only the data plane's loop touches it.
final class DTLSLink {
    private enum State {
        case waiting(until: Double)
        case handshaking(DTLSClient, deadline: Double, timer: Double)
        case up(DTLSClient, KeepalivePolicy)
    }

    enum Transition {
        case up(protocolVersion: String, cipher: String, tunnelMTU: Int)
        /// Down after being up (silent peer, write error); data goes back to TLS.
        case down(reason: String)
        /// The five retries are spent.
        case gaveUp(reason: String)
    }

    private let setup: DTLSSetup
    private let onChannel: (ChannelInfo) -> Void
    private var state: State
    private var schedule = DTLSRetrySchedule()
    var stats = DataPlane.Stats()

    init(setup: DTLSSetup, now: Double, onChannel: @escaping (ChannelInfo) -> Void) {
        self.setup = setup
        self.onChannel = onChannel
        self.state = .waiting(until: now)
    }

    var isUp: Bool {
        if case .up = state { return true }
        return false
    }

    var descriptor: Int32 {
        switch state {
        case .handshaking(let client, _, _), .up(let client, _): return client.descriptor
        case .waiting: return -1
        }
    }

    func nextDeadline() -> Double? {
        switch state {
        case .waiting(let until): return until
        case .handshaking(_, let deadline, let timer): return min(deadline, timer)
        case .up(_, let policy): return policy.nextDeadline()
        }
    }

    /// Drives the channel: starts attempts when due, advances the handshake, reads packets (handing data and
    /// answering DPD), runs its timers. Returns a change the data plane must act on (MTU, routing of data).
    func service(now: Double, readable: Bool, packet: (UInt8, UnsafeRawBufferPointer) -> Void,
                 buffer: UnsafeMutableRawBufferPointer) -> Transition? {
        switch state {
        case .waiting(let until):
            guard now >= until else { return nil }
            return startAttempt(now: now)
        case .handshaking(let client, let deadline, let timer):
            if now >= timer { client.handleTimeout() }
            if readable || now >= timer {
                switch client.handshake() {
                case .done:
                    schedule.reset()
                    state = .up(client, KeepalivePolicy(dpd: setup.dpd, keepalive: setup.keepalive, now: now))
                    onChannel(ChannelInfo(channel: .dtls, state: .up, protocolVersion: client.protocolVersion,
                                          cipher: client.cipher, reason: setup.modeName))
                    return .up(protocolVersion: client.protocolVersion, cipher: client.cipher, tunnelMTU: client.tunnelMTU)
                case .inProgress(let milliseconds):
                    state = .handshaking(client, deadline: deadline, timer: now + Double(milliseconds) / 1000)
                case .failed(let reason):
                    client.close()
                    return failed(reason, now: now)
                }
            }
            if case .handshaking(let client, let deadline, _) = state, now >= deadline {
                client.close()
                return failed("no answer from the gateway on UDP port \(setup.port)", now: now)
            }
            return nil
        case .up(let client, var policy):
            if readable {
                for _ in 0..<64 {
                    switch client.read(into: buffer) {
                    case .done(let count):
                        policy.received(now: now)
                        guard count >= 1 else { continue }
                        let type = buffer[0]
                        let payload = UnsafeRawBufferPointer(rebasing: buffer[1..<count])
                        if type == CSTPPacketType.dpdRequest.rawValue {
                            // Answer over DTLS with the same bytes (protocol.md §3.5).
                            buffer[0] = CSTPPacketType.dpdResponse.rawValue
                            _ = client.write(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                        } else {
                            if type == CSTPPacketType.data.rawValue {
                                stats.packetsIn += 1
                                stats.bytesIn += count - 1
                            }
                            packet(type, payload)
                        }
                        continue
                    case .wantRead, .wantWrite:
                        break
                    case .closed:
                        state = .up(client, policy)
                        return goDown("the gateway closed DTLS", now: now)
                    case .failed(let reason):
                        state = .up(client, policy)
                        return goDown(reason, now: now)
                    }
                    break
                }
            }
            switch policy.action(now: now) {
            case .none: break
            case .sendDPD: _ = send(type: .dpdRequest, client: client)
            case .sendKeepalive: _ = send(type: .keepalive, client: client)
            case .dead:
                state = .up(client, policy)
                return goDown("DTLS silent for \(2 * (setup.dpd ?? 0)) s", now: now)
            }
            state = .up(client, policy)
            return nil
        }
    }

    /// Sends a tun packet over DTLS; false when DTLS cannot take it (the caller sends it over TLS).
    /// `frame` holds the type byte at index 0, then the packet.
    func sendData(_ frame: UnsafeRawBufferPointer, now: Double) -> Bool {
        guard case .up(let client, var policy) = state else { return false }
        switch client.write(frame) {
        case .done:
            policy.sent(now: now)
            state = .up(client, policy)
            stats.packetsOut += 1
            stats.bytesOut += frame.count - 1
            return true
        case .wantWrite, .wantRead:
            return true  // UDP semantics: a full socket buffer drops the packet
        case .closed, .failed:
            return false
        }
    }

    func close() {
        switch state {
        case .handshaking(let client, _, _), .up(let client, _): client.close()
        case .waiting: break
        }
    }

    private func send(type: CSTPPacketType, client: DTLSClient) -> Bool {
        var byte = type.rawValue
        return withUnsafeBytes(of: &byte) { client.write($0) } == .done(1)
    }

    private func startAttempt(now: Double) -> Transition? {
        onChannel(ChannelInfo(channel: .dtls, state: .connecting, attempt: schedule.failures == 0 ? nil : schedule.failures,
                              reason: setup.modeName))
        do {
            let client = try DTLSClient(address: setup.address, port: setup.port, mode: setup.mode, linkMTU: setup.linkMTU)
            state = .handshaking(client, deadline: now + setup.attemptSeconds, timer: now)
            return nil
        } catch {
            return failed(error.description, now: now)
        }
    }

    private func goDown(_ reason: String, now: Double) -> Transition {
        close()
        schedule.reset()
        onChannel(ChannelInfo(channel: .dtls, state: .down, reason: reason))
        _ = scheduleNext(reason: reason, now: now)
        return .down(reason: reason)
    }

    private func failed(_ reason: String, now: Double) -> Transition? {
        scheduleNext(reason: reason, now: now)
    }

    private func scheduleNext(reason: String, now: Double) -> Transition? {
        switch schedule.failed() {
        case .retry(let attempt, let seconds):
            state = .waiting(until: now + Double(seconds))
            onChannel(ChannelInfo(channel: .dtls, state: .backoff, attempt: attempt, nextInSeconds: seconds, reason: reason))
            return nil
        case .giveUp(let seconds):
            state = .waiting(until: now + Double(seconds))
            onChannel(ChannelInfo(channel: .dtls, state: .failed, nextInSeconds: seconds,
                                  reason: "\(reason); data stays on TLS"))
            return .gaveUp(reason: reason)
        case .later(let seconds):
            state = .waiting(until: now + Double(seconds))
            onChannel(ChannelInfo(channel: .dtls, state: .failed, nextInSeconds: seconds, reason: reason))
            return nil
        }
    }
}
