/// The tunnel's policies as a pure state machine, in boringtun's style (issue 12, item 1): no I/O and no clock.
/// The loop feeds it bytes from TLS, datagrams from DTLS, packets from the tun, what happened to DTLS and the
/// time; it answers with `TunnelAction`s (`takeActions`) that the loop performs in order. DPD and keepalive per
/// channel (protocol.md §5.1), rekey (§5.2), the DTLS switch and the 6.1 fallback (DESIGN.md §1), the MTU policy
/// and the DPD echo live here, so tests drive them with a manual clock.
public struct TunnelSession: ~Copyable {
    private enum DTLSState {
        case off
        case waiting(until: Double)
        case handshaking(deadline: Double)
        case up(KeepalivePolicy)
    }

    public private(set) var tls = TunnelTraffic()
    public private(set) var dtlsTraffic = TunnelTraffic()
    public private(set) var tunMTU: Int
    public private(set) var hasEnded = false

    private let configuration: TunnelSessionConfiguration
    private var decoder = CSTPDecoder()
    private var tlsPolicy: KeepalivePolicy
    private var dtls: DTLSState
    private var schedule = DTLSRetrySchedule()
    private let rekeyAt: Double?
    private var actions: [TunnelAction] = []
    /// DPD answers handed out since the loop last said its TLS queue was empty (issue 13, item 7).
    private var dpdAnswersWaiting = 0
    /// One log line per kind of odd frame, throttled (issue 13, item 7).
    private var unknownFrames = LogThrottle()
    private var compressedFrames = LogThrottle()
    private var unknownDatagrams = LogThrottle()

    public init(_ configuration: TunnelSessionConfiguration, now: Double) {
        self.configuration = configuration
        tunMTU = configuration.tunMTU ?? configuration.mtu.initial
        tlsPolicy = KeepalivePolicy(dpd: configuration.dpd, keepalive: configuration.keepalive, now: now)
        dtls = configuration.dtls ? .waiting(until: now) : .off
        rekeyAt = configuration.rekeyAfter.map { now + $0 }
    }

    /// Whether tun packets go over DTLS now.
    public var isDTLSUp: Bool {
        if case .up = dtls { return true }
        return false
    }

    /// The actions decided so far, in order; the loop performs all of them before feeding more.
    public mutating func takeActions() -> [TunnelAction] {
        // Nothing to hand over is the common case in the loop: no copy, no allocation.
        guard !actions.isEmpty else { return [] }
        let taken = actions
        actions = []
        return taken
    }

    /// The next moment `tick` may have something to do.
    public func nextDeadline() -> Double? {
        var deadline = tlsPolicy.nextDeadline()
        func earliest(_ value: Double?) {
            guard let value else { return }
            deadline = deadline.map { min($0, value) } ?? value
        }
        earliest(rekeyAt)
        switch dtls {
        case .off: break
        case .waiting(let until): earliest(until)
        case .handshaking(let limit): earliest(limit)
        case .up(let policy): earliest(policy.nextDeadline())
        }
        return deadline
    }

    // MARK: - Inputs

    /// Bytes read from the TLS channel (any split: frames are reassembled).
    public mutating func receivedTLS(_ bytes: [UInt8], now: Double) {
        guard !hasEnded else { return }
        decoder.append(bytes)
        drainFrames(now: now, copying: true) { _ in }
    }

    /// Room to read TLS bytes into without a copy; follow with `committedTLS`.
    public mutating func tlsReadSpace() -> UnsafeMutableRawBufferPointer { decoder.writableSpace() }

    public mutating func committedTLS(_ count: Int, now: Double) {
        guard !hasEnded else { return }
        decoder.commit(count)
        drainFrames(now: now, copying: true) { _ in }
    }

    /// The data plane's path: as `committedTLS`, but each DATA payload goes to `deliver` straight from the
    /// decoder's buffer (valid only during the call), so a packet from the gateway costs no allocation.
    public mutating func committedTLS(_ count: Int, now: Double, deliver: (UnsafeRawBufferPointer) -> Void) {
        guard !hasEnded else { return }
        decoder.commit(count)
        drainFrames(now: now, copying: false, deliver: deliver)
    }

    /// One DTLS datagram as read (type byte, payload).
    public mutating func receivedDatagram(_ datagram: [UInt8], now: Double) {
        datagram.withUnsafeBytes { bytes in receivedDatagram(bytes, now: now, copying: true) { _ in } }
    }

    /// The data plane's path: a DATA payload goes to `deliver` as a slice of `datagram` (no allocation).
    public mutating func receivedDatagram(_ datagram: UnsafeRawBufferPointer, now: Double,
                                          deliver: (UnsafeRawBufferPointer) -> Void) {
        receivedDatagram(datagram, now: now, copying: false, deliver: deliver)
    }

    /// `copying`: DATA becomes a `.writeToTun` action (tests, the bytes that came with the CONNECT reply);
    /// otherwise it goes to `deliver` at once. Queued actions are control only, so no ordering is lost.
    private mutating func receivedDatagram(_ datagram: UnsafeRawBufferPointer, now: Double, copying: Bool,
                                           deliver: (UnsafeRawBufferPointer) -> Void) {
        guard !hasEnded, case .up(var policy) = dtls else { return }
        policy.received(now: now)
        defer { if case .up = dtls { dtls = .up(policy) } }
        guard let type = datagram.first else { return }
        switch CSTPPacketType(rawValue: type) {
        case .data?:
            dtlsTraffic.packetsIn += 1
            dtlsTraffic.bytesIn += datagram.count - 1
            let payload = UnsafeRawBufferPointer(rebasing: datagram.dropFirst())
            if copying { actions.append(.writeToTun(Array(payload))) } else { deliver(payload) }
        case .dpdRequest?:
            // Answered over DTLS with the same bytes (protocol.md §3.5); UDP loses what it must.
            actions.append(.sendDTLS([CSTPPacketType.dpdResponse.rawValue] + datagram.dropFirst()))
            policy.sent(now: now)
        case .dpdResponse?, .keepalive?:
            break
        default:
            // openconnect's dtls.c ends nothing over DTLS: DISCONNECT, TERMINATE, compressed data (not offered)
            // and unknown types are logged and dropped; a gateway ends the session over TLS.
            if let line = unknownDatagrams.note("ignored a DTLS packet of type 0x\(String(type, radix: 16))") {
                actions.append(.log(line))
            }
        }
    }

    /// One packet read from the tun: over DTLS when it is up, else as a CSTP frame over TLS. Packets keep
    /// their order per channel; at the switch the gateway may see a later packet over DTLS before an earlier
    /// one still in the TLS stream, which IP allows (as openconnect, which switches the same way).
    public mutating func packetFromTun(_ packet: [UInt8], now: Double) {
        switch routeTunPacket(length: packet.count, now: now) {
        case .dtls?: actions.append(.sendDTLS([CSTPPacketType.data.rawValue] + packet))
        case .tls?: actions.append(.sendTLS(CSTPFraming.frame(.data, payload: packet)))
        case nil: break
        }
    }

    /// `packetFromTun` without a copy: decides the channel and counts the packet; the loop frames it in place
    /// and sends it. Nil once the session has ended.
    public mutating func routeTunPacket(length: Int, now: Double) -> TunnelChannel? {
        guard !hasEnded else { return nil }
        if case .up(var policy) = dtls {
            policy.sent(now: now)
            dtls = .up(policy)
            dtlsTraffic.packetsOut += 1
            dtlsTraffic.bytesOut += length
            return .dtls
        }
        tls.packetsOut += 1
        tls.bytesOut += length
        tlsPolicy.sent(now: now)
        return .tls
    }

    /// A packet routed to DTLS could not be written (a local firewall, a socket error): the loop sends it over
    /// TLS instead, and DTLS stays up until its DPD says otherwise, as before the core existed.
    public mutating func dtlsSendFailed(length: Int, now: Double) {
        guard !hasEnded else { return }
        dtlsTraffic.packetsOut -= 1
        dtlsTraffic.bytesOut -= length
        tls.packetsOut += 1
        tls.bytesOut += length
        tlsPolicy.sent(now: now)
    }

    /// The DTLS handshake finished; the channel carries `dataMTU` bytes per packet.
    public mutating func dtlsUp(dataMTU: Int, now: Double) {
        guard !hasEnded, case .handshaking = dtls else { return }
        schedule.reset()
        dtls = .up(KeepalivePolicy(dpd: configuration.dtlsDPD, keepalive: configuration.dtlsKeepalive, now: now))
        actions.append(.dtlsChanged(.up))
        setTunMTU(configuration.mtu.whenDTLSUp(dataMTU: dataMTU), reason: .dtlsUp(dataMTU: dataMTU))
    }

    /// The handshake failed (or the client could not be opened).
    public mutating func dtlsFailed(_ reason: String, now: Double) {
        guard !hasEnded, case .handshaking = dtls else { return }
        scheduleNextAttempt(reason: reason, now: now)
    }

    /// The DTLS channel broke after being up (closed by the gateway, a read or write error).
    public mutating func dtlsClosed(_ reason: String, now: Double) {
        guard !hasEnded, case .up = dtls else { return }
        goDown(reason, now: now)
    }

    /// The user disconnects: DISCONNECT over TLS, then the end.
    public mutating func disconnect() {
        guard !hasEnded else { return }
        actions.append(.sendTLS(CSTPFraming.disconnect()))
        end(.userDisconnect)
    }

    /// The loop's TLS write queue is empty again: DPD answers may queue anew.
    public mutating func tlsQueueDrained() { dpdAnswersWaiting = 0 }

    /// Timers: rekey, DPD and keepalive on both channels, DTLS attempts and their limit.
    public mutating func tick(now: Double) {
        guard !hasEnded else { return }
        if let rekeyAt, now >= rekeyAt { return end(.rekeyDue) }
        switch tlsPolicy.action(now: now) {
        case .none: break
        case .sendDPD: actions.append(.sendTLS(CSTPFraming.frame(.dpdRequest)))
        case .sendKeepalive: actions.append(.sendTLS(CSTPFraming.frame(.keepalive)))
        case .dead: return end(.peerDead(seconds: 2 * (configuration.dpd ?? 0)))
        }
        switch dtls {
        case .off:
            break
        case .waiting(let until):
            guard now >= until else { break }
            dtls = .handshaking(deadline: now + configuration.dtlsAttemptSeconds)
            actions.append(.dtlsChanged(.connecting(attempt: schedule.failures == 0 ? nil : schedule.failures)))
            actions.append(.startDTLS)
        case .handshaking(let deadline):
            guard now >= deadline else { break }
            actions.append(.stopDTLS)
            scheduleNextAttempt(reason: "no answer from the gateway over UDP", now: now)
        case .up(var policy):
            let action = policy.action(now: now)
            dtls = .up(policy)
            switch action {
            case .none: break
            case .sendDPD: actions.append(.sendDTLS([CSTPPacketType.dpdRequest.rawValue]))
            case .sendKeepalive: actions.append(.sendDTLS([CSTPPacketType.keepalive.rawValue]))
            case .dead:
                actions.append(.stopDTLS)
                goDown("DTLS silent for \(2 * (configuration.dtlsDPD ?? 0)) s", now: now)
            }
        }
    }

    // MARK: - Policy

    private mutating func end(_ reason: TunnelEnd) {
        hasEnded = true
        actions.append(.ended(reason))
    }

    private mutating func setTunMTU(_ mtu: Int, reason: TunnelMTUChange) {
        // An unchanged MTU is no reconfiguration (issue 12, item 6).
        guard mtu != tunMTU else { return }
        tunMTU = mtu
        actions.append(.setTunMTU(mtu, reason: reason))
    }

    private mutating func goDown(_ reason: String, now: Double) {
        schedule.reset()
        actions.append(.dtlsChanged(.down(reason: reason)))
        dtls = .handshaking(deadline: now)  // so the next step is scheduled from here
        scheduleNextAttempt(reason: reason, now: now)
    }

    private mutating func scheduleNextAttempt(reason: String, now: Double) {
        switch schedule.failed() {
        case .retry(let attempt, let seconds):
            dtls = .waiting(until: now + Double(seconds))
            actions.append(.dtlsChanged(.backoff(attempt: attempt, afterSeconds: seconds, reason: reason)))
        case .giveUp(let seconds):
            dtls = .waiting(until: now + Double(seconds))
            actions.append(.dtlsChanged(.failed(afterSeconds: seconds, reason: reason, gaveUp: true)))
            setTunMTU(configuration.mtu.whenDTLSGaveUp, reason: .dtlsGaveUp)
        case .later(let seconds):
            dtls = .waiting(until: now + Double(seconds))
            actions.append(.dtlsChanged(.failed(afterSeconds: seconds, reason: reason, gaveUp: false)))
        }
    }

    /// Handles every complete CSTP frame in the decoder.
    private mutating func drainFrames(now: Double, copying: Bool, deliver: (UnsafeRawBufferPointer) -> Void) {
        while !hasEnded {
            let frame: (type: UInt8, payload: UnsafeRawBufferPointer)?
            do {
                frame = try decoder.next()
            } catch {
                return end(.protocolError(error.description))
            }
            guard let frame else { return }
            tlsPolicy.received(now: now)
            switch CSTPPacketType(rawValue: frame.type) {
            case .data?:
                tls.packetsIn += 1
                tls.bytesIn += frame.payload.count
                if copying { actions.append(.writeToTun(Array(frame.payload))) } else { deliver(frame.payload) }
            case .dpdRequest?:
                // The answer echoes the request's payload (protocol.md §3.4); a bounded number wait at once.
                if FrameBudget.mayQueueDPDResponse(queued: dpdAnswersWaiting) {
                    dpdAnswersWaiting += 1
                    actions.append(.sendTLS(CSTPFraming.frame(.dpdResponse, payload: Array(frame.payload))))
                }
            case .dpdResponse?, .keepalive?:
                break
            case .disconnect?:
                // The gateway's words, bounded and without control characters (issue 13, item 6).
                let text = frame.payload.count > 1
                    ? GatewayText.printable(String(decoding: frame.payload.dropFirst().prefix(200), as: UTF8.self)) : ""
                end(.serverDisconnect(text.isEmpty ? "no reason given" : text))
            case .terminate?:
                end(.serverTerminate)
            case .compressedData?:
                if let line = compressedFrames.note("dropped a compressed packet: Swiftgate offers no compression") {
                    actions.append(.log(line))
                }
            case nil:
                if let line = unknownFrames.note("ignored a CSTP packet of unknown type 0x\(String(frame.type, radix: 16))") {
                    actions.append(.log(line))
                }
            }
        }
    }
}
