import GatewayProtocol
import Glibc
import SecureChannel

/// Moves packets between the tun device and the tunnel's channels on its own thread, never through the actor
/// (DESIGN.md §2). A thin loop (issue 12, item 2): every decision is `TunnelSession`'s; the loop polls, feeds
/// it what arrived and the time, and performs the actions it returns, in order:
///
///   1. poll: wake pipe (stop requests), TLS, tun (only while nothing waits to be written), DTLS, rtnetlink
///   2. TLS bytes → the session's decoder, read in place; DTLS datagrams → the session (DTLSClient reads them
///      with recvmmsg, a batch at a time)
///   3. tun → the session routes each packet; the loop frames it in place (8-byte CSTP header or the DTLS type
///      byte) and writes it: one TLS record per CSTP frame (ocserv takes no more, protocol.md §3.3), but the
///      turn's records leave in one send() and its DTLS datagrams in one sendmmsg (issue 12, item 3)
///   4. the session's timers (DPD, keepalive, rekey, DTLS attempts); statistics every few seconds; after a run
///      of DTLS datagrams or TLS records that emptied the sockets, a pause of a few µs before the next poll
///      (`ReceiveModeration`)
///   5. rtnetlink: the outer connection's address removed, or a default route changed outside the tun, ends
///      the loop; the engine reconnects
///
/// A TLS write the socket cannot take yet stays queued and the tun is not read until it is gone (back-pressure
/// instead of an unbounded queue). The tun, the TLS channel and DTLS are small protocols (`PacketDevice`,
/// `StreamLink`, `DatagramDialer`) so tests run this loop over socket pairs.
final class DataPlane: @unchecked Sendable {
    struct Stats: Sendable, Equatable {
        var bytesIn = 0, bytesOut = 0, packetsIn = 0, packetsOut = 0
    }

    enum EndReason: Sendable, Equatable {
        case userDisconnect
        case hangup
        case serverDisconnect(String)
        case serverTerminate
        case closedByGateway
        case tlsFailure(String)
        case peerDead(seconds: Int)
        case protocolError(String)
        /// SIGUSR2: a new tunnel with the same cookie, the TLS connection dropped without a DISCONNECT.
        case reconnectRequested
        /// The kernel removed the address the outer connection used, or a default route changed (rtnetlink).
        case networkChanged(String)
        /// X-CSTP-Rekey-Time passed: a new tunnel (`new-tunnel`, and `ssl` done the same way, as openconnect's
        /// OpenSSL build does; protocol.md §5.2).
        case rekeyDue

        var description: String {
            switch self {
            case .userDisconnect: return "disconnected by the user"
            case .hangup: return "stopped without logging out (SIGHUP): the session cookie stays valid"
            case .serverDisconnect(let reason): return "the gateway ended the session: \(reason)"
            case .serverTerminate: return "the gateway terminated the session"
            case .closedByGateway: return "the gateway closed the connection"
            case .tlsFailure(let reason): return "the TLS connection failed: \(reason)"
            case .peerDead(let seconds): return "the gateway stopped answering (no packet for \(seconds) s)"
            case .protocolError(let reason): return "protocol error from the gateway: \(reason)"
            case .reconnectRequested: return "reconnect requested (SIGUSR2)"
            case .rekeyDue: return "rekey due: opening a new tunnel"
            case .networkChanged(let what): return "the network changed (\(what))"
            }
        }

        var isClean: Bool { self == .userDisconnect || self == .hangup }

        /// Whether the session may continue on a new connection with the same cookie (protocol.md §5.3). A
        /// DISCONNECT or TERMINATE from the gateway is final: no retry loop follows it.
        var allowsReconnect: Bool {
            switch self {
            case .closedByGateway, .tlsFailure, .peerDead, .reconnectRequested, .rekeyDue, .networkChanged: return true
            default: return false
            }
        }
    }

    enum StopMode: UInt8 {
        case disconnect = 1
        case hangup = 2
        case reconnect = 3
    }

    private let stream: any StreamLink
    private let tun: any PacketDevice
    private let initialBytes: [UInt8]
    private let configuration: TunnelSessionConfiguration
    private let statsInterval: Double
    private let dialer: (any DatagramDialer)?
    /// The first DTLS attempt, begun before the loop (`DTLSHandshakeAhead`); taken by the first `startDTLS`.
    private var ahead: DTLSHandshakeAhead.Handover?
    private let watchNetwork: Bool
    private let moderation: ReceiveModeration
    private var tunMTU: Int
    /// The tun's MTU when the loop ended (read after `run` returns).
    var currentTunMTU: Int { tunMTU }
    /// How many times the loop paused before a poll (ReceiveModeration); read after `run` returns.
    private(set) var pausesTaken = 0
    private let onStats: @Sendable (Stats, Stats?) -> Void
    private let onChannel: @Sendable (ChannelInfo) -> Void
    private let onReconfigured: @Sendable (Int, String) -> Void
    private let onLog: @Sendable (String) -> Void
    private let wakeRead: Int32
    private let wakeWrite: Int32

    convenience init(tls: TLSClient, tun: TunDevice, initialBytes: [UInt8], dpd: Int?, keepalive: Int?, statsInterval: Double = 5,
                     dtls: DTLSSetup?, handshakeAhead: DTLSHandshakeAhead.Handover? = nil, mtu: TunnelMTUPolicy, tunMTU: Int,
                     rekeyAfter: Double?, onStats: @escaping @Sendable (Stats, Stats?) -> Void, onChannel: @escaping @Sendable (ChannelInfo) -> Void,
                     onReconfigured: @escaping @Sendable (Int, String) -> Void, onLog: @escaping @Sendable (String) -> Void) {
        let configuration = TunnelSessionConfiguration(
            dpd: dpd, keepalive: keepalive, dtlsDPD: dtls?.dpd, dtlsKeepalive: dtls?.keepalive, mtu: mtu,
            dtls: dtls != nil, dtlsAttemptSeconds: dtls?.attemptSeconds ?? 3, rekeyAfter: rekeyAfter, tunMTU: tunMTU)
        self.init(stream: tls, tun: tun, initialBytes: initialBytes, configuration: configuration,
                  statsInterval: statsInterval, dialer: dtls, handshakeAhead: handshakeAhead, watchNetwork: true, onStats: onStats,
                  onChannel: onChannel, onReconfigured: onReconfigured, onLog: onLog)
    }

    /// `watchNetwork`: end the loop when rtnetlink says the outer connection's address or route went away.
    /// `handshakeAhead`: a DTLS handshake begun on `dialer` before the loop, continued instead of a new one.
    /// `moderation`: the pause after a run of DTLS datagrams or TLS records (ReceiveModeration).
    init(stream: any StreamLink, tun: any PacketDevice, initialBytes: [UInt8], configuration: TunnelSessionConfiguration,
         statsInterval: Double, dialer: (any DatagramDialer)?, handshakeAhead: DTLSHandshakeAhead.Handover? = nil,
         watchNetwork: Bool, moderation: ReceiveModeration = .standard,
         onStats: @escaping @Sendable (Stats, Stats?) -> Void, onChannel: @escaping @Sendable (ChannelInfo) -> Void,
         onReconfigured: @escaping @Sendable (Int, String) -> Void, onLog: @escaping @Sendable (String) -> Void) {
        self.stream = stream
        self.tun = tun
        self.initialBytes = initialBytes
        self.configuration = configuration
        self.statsInterval = statsInterval
        self.dialer = dialer
        ahead = dialer == nil ? nil : handshakeAhead
        self.watchNetwork = watchNetwork
        self.moderation = moderation
        self.tunMTU = configuration.tunMTU ?? configuration.mtu.initial
        self.onStats = onStats
        self.onChannel = onChannel
        self.onReconfigured = onReconfigured
        self.onLog = onLog
        (wakeRead, wakeWrite) = WakePipe.open()
    }

    deinit {
        Glibc.close(wakeRead)
        Glibc.close(wakeWrite)
    }

    /// Asks the loop to stop; safe from any thread or a signal handler's task.
    func stop(_ mode: StopMode) {
        var byte = mode.rawValue
        _ = write(wakeWrite, &byte, 1)
    }

    /// Runs the loop on a thread of its own until the session ends.
    func run() async -> EndReason {
        await withCheckedContinuation { (continuation: CheckedContinuation<EndReason, Never>) in
            let thread = Thread { continuation.resume(returning: self.loop()) }
            thread.name = "swiftgate-dataplane"
            thread.start()
        }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    private func report(_ session: borrowing TunnelSession) {
        func stats(_ traffic: TunnelTraffic) -> Stats {
            Stats(bytesIn: traffic.bytesIn, bytesOut: traffic.bytesOut, packetsIn: traffic.packetsIn, packetsOut: traffic.packetsOut)
        }
        onStats(stats(session.tls), dialer == nil ? nil : stats(session.dtlsTraffic))
    }

    private func loop() -> EndReason {
        stream.enterDataMode()
        var session = TunnelSession(configuration, now: Self.now())
        // One packet buffer: the CSTP header goes in its first 8 bytes, the tun packet after it.
        let packet = UnsafeMutableRawBufferPointer.allocate(byteCount: CSTPFraming.headerLength + 65536, alignment: 16)
        defer { packet.deallocate() }
        let datagram = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536 + 1, alignment: 16)
        defer { datagram.deallocate() }
        var queue: [[UInt8]] = []
        var nextStats = Self.now() + statsInterval
        let link = ahead?.link ?? dialer.map { DTLSLink(dialer: $0) }
        defer { link?.close() }
        let network = watchNetwork ? NetworkChangeMonitor(watchingLocalAddressOf: stream.descriptor, tun: tun.name) : nil
        // Filled in place every turn: no array is built per turn (issue 12, item 3).
        let fds = UnsafeMutablePointer<pollfd>.allocate(capacity: 5)
        defer { fds.deallocate() }
        // Whether the link may hold whole records poll cannot see (read ahead): true until a read says wantRead.
        var tlsBuffered = true
        // The same for DTLS: a turn cut short by its bound may leave datagrams of the last recvmmsg in the batch,
        // where poll does not see them; with the socket empty they would wait for the next datagram to arrive.
        var dtlsBuffered = false
        // What the turn moved, for the pause before the next poll (ReceiveModeration), and that pause in µs.
        var turn = ReceiveModeration.Turn()
        var pause = 0

        session.receivedTLS(initialBytes, now: Self.now())
        // The first DTLS attempt starts (or, begun ahead, is taken over) before the first poll: a handshake
        // that ends in that poll must find the session expecting it.
        session.tick(now: Self.now())
        if let end = perform(&session, &queue, link) { report(session); return end }

        while true {
            // The turn's packets for the tun, coalesced where they can be (TCPCoalescer), before the wait.
            tun.flushWrites()
            // What the last turn wrote to DTLS leaves in one sendmmsg (data, DPD, keepalive and their answers).
            link?.flush()
            if let failure = flush(&queue) { report(session); return failure }
            if queue.isEmpty { session.tlsQueueDrained() }
            let blocked = !queue.isEmpty || stream.hasPendingWrites
            fds[0] = pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)
            fds[1] = pollfd(fd: stream.descriptor, events: Int16(POLLIN) | (blocked ? Int16(POLLOUT) : 0), revents: 0)
            fds[2] = pollfd(fd: tun.descriptor, events: blocked ? 0 : Int16(POLLIN), revents: 0)
            fds[3] = pollfd(fd: link?.descriptor ?? -1, events: Int16(POLLIN), revents: 0)
            fds[4] = pollfd(fd: network?.descriptor ?? -1, events: Int16(POLLIN), revents: 0)
            let now = Self.now()
            var deadline = nextStats
            if let next = session.nextDeadline() { deadline = min(deadline, next) }
            if let next = link?.nextDeadline() { deadline = min(deadline, next) }
            let pending = tlsBuffered || (dtlsBuffered && link?.isUp == true)
            let timeout = pending ? 0 : Int32(max(0, min(60_000, (deadline - now) * 1000 + 1)))
            // After the turn's packets are written: only what arrives during the pause waits for it.
            if pause > 0 && timeout > 0 {
                usleep(UInt32(pause))
                pausesTaken += 1
            }
            turn = ReceiveModeration.Turn()
            let ready = poll(fds, 5, timeout)
            if ready < 0 && errno != EINTR { report(session); return .tlsFailure("poll: \(SystemErrno.describe(errno))") }

            if fds[0].revents & Int16(POLLIN) != 0 {
                var mode: UInt8 = 0
                _ = read(wakeRead, &mode, 1)
                if mode == StopMode.hangup.rawValue { report(session); return .hangup }
                if mode == StopMode.reconnect.rawValue { report(session); return .reconnectRequested }
                session.disconnect()
                let end = perform(&session, &queue, link) ?? .userDisconnect
                report(session)
                return end
            }

            if fds[1].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 || tlsBuffered {
                // Bounded per wake-up so the tun side is not starved by a fast download; what is left stays in
                // the link (read ahead), so the next turn reads on without waiting.
                tlsBuffered = true
                // One clock read for the batch: the session's timers need no finer time than a loop turn.
                let arrived = Self.now()
                for _ in 0..<64 {
                    let result = stream.read(into: session.tlsReadSpace())
                    switch result {
                    case .done(let count):
                        turn.records += 1
                        turn.recordBytes += count
                        // DATA goes to the tun from the decoder's buffer: no copy, no allocation per packet.
                        session.committedTLS(count, now: arrived) { tun.writePacket($0) }
                        if let end = perform(&session, &queue, link) { report(session); return end }
                        continue
                    case .wantRead:
                        tlsBuffered = false
                    case .wantWrite:
                        // OpenSSL must write first (the turn's write batch is full): what it read ahead stays,
                        // so the next turn reads again after the flush rather than waiting for the socket.
                        break
                    case .closed, .failed:
                        report(session)
                        return Self.ending(result)
                    }
                    break
                }
                tun.flushWrites()
            }

            if fds[4].revents & Int16(POLLIN) != 0, let change = network?.drain() {
                report(session)
                return .networkChanged(change)
            }

            if let link {
                let readable = fds[3].revents & Int16(POLLIN) != 0
                if link.isHandshaking {
                    switch link.serviceHandshake(now: Self.now(), readable: readable) {
                    case .up(let dataMTU)?: session.dtlsUp(dataMTU: dataMTU, now: Self.now())
                    case .failed(let reason)?: session.dtlsFailed(reason, now: Self.now())
                    case nil: break
                    }
                } else if link.isUp && (readable || dtlsBuffered) {
                    let arrived = Self.now()
                    dtlsBuffered = true
                    for _ in 0..<64 {
                        let result = link.read(into: datagram)
                        switch result {
                        case .done(let count):
                            turn.records += 1
                            turn.recordBytes += count
                            session.receivedDatagram(UnsafeRawBufferPointer(rebasing: datagram[0..<count]),
                                                     now: arrived) { tun.writePacket($0) }
                            if let end = perform(&session, &queue, link) { report(session); return end }
                            continue
                        case .wantRead, .wantWrite:
                            dtlsBuffered = false
                        case .closed:
                            dtlsBuffered = false
                            session.dtlsClosed("the gateway closed DTLS", now: Self.now())
                        case .failed(let reason):
                            dtlsBuffered = false
                            session.dtlsClosed(reason, now: Self.now())
                        }
                        break
                    }
                    tun.flushWrites()
                }
                if let end = perform(&session, &queue, link) { report(session); return end }
            }

            if queue.isEmpty && fds[2].revents & Int16(POLLIN) != 0 {
                let payloadSpace = UnsafeMutableRawBufferPointer(rebasing: packet[CSTPFraming.headerLength...])
                let taken = Self.now()
                for _ in 0..<64 {
                    let count = tun.readPacket(into: payloadSpace)
                    if count <= 0 { break }
                    turn.tunBytes += count
                    switch session.routeTunPacket(length: count, now: taken) {
                    case .dtls?:
                        // DTLS framing: one type byte in front of the packet, in place (protocol.md §3.5).
                        packet[CSTPFraming.headerLength - 1] = CSTPPacketType.data.rawValue
                        let frame = UnsafeRawBufferPointer(rebasing: packet[(CSTPFraming.headerLength - 1)..<(CSTPFraming.headerLength + count)])
                        // A write DTLS refuses (a firewall's EPERM) sends this packet over TLS; DTLS stays up
                        // until its DPD finds it silent.
                        guard link?.send(frame) != nil else { continue }
                        session.dtlsSendFailed(length: count, now: Self.now())
                        fallthrough
                    case .tls?:
                        CSTPFraming.writeHeader(into: packet, at: 0, type: .data, length: count)
                        let frame = UnsafeRawBufferPointer(rebasing: packet[0..<(CSTPFraming.headerLength + count)])
                        let result = stream.write(frame)
                        switch result {
                        case .done:
                            continue
                        case .wantWrite, .wantRead:
                            queue.append(Array(frame))
                        case .closed, .failed:
                            report(session)
                            return Self.ending(result)
                        }
                    case nil:
                        break
                    }
                    break
                }
                // The turn's TLS records in one send(); what the socket cannot take waits for POLLOUT.
                if let failure = flushStream() { report(session); return failure }
                link?.flush()
            }

            // Both channels' reads ended on an empty socket (neither stopped at its bound with more inside).
            turn.drained = !tlsBuffered && !dtlsBuffered
            pause = moderation.pause(after: turn)
            let later = Self.now()
            session.tick(now: later)
            if let end = perform(&session, &queue, link) { report(session); return end }
            if later >= nextStats {
                report(session)
                nextStats = later + statsInterval
            }
        }
    }

    /// Performs the session's actions in order, and those they lead to; returns why the session ends, if it does.
    private func perform(_ session: inout TunnelSession, _ queue: inout [[UInt8]], _ link: DTLSLink?) -> EndReason? {
        while true {
            let actions = session.takeActions()
            if actions.isEmpty { return nil }
            for action in actions {
                switch action {
                case .writeToTun(let bytes):
                    bytes.withUnsafeBytes { tun.writePacket($0) }
                case .sendTLS(let bytes):
                    if let failure = send(bytes, &queue) { return failure }
                case .sendDTLS(let bytes):
                    // DPD, keepalive and their answers: a lost one is what DPD is for.
                    _ = bytes.withUnsafeBytes { link?.send($0) }
                case .setTunMTU(let mtu, let reason):
                    setTunMTU(mtu, reason: reason.description)
                case .dtlsChanged(let change):
                    if case .down = change { link?.close() }
                    onChannel(Self.channelInfo(change, link))
                case .startDTLS:
                    if let ahead {
                        // The attempt begun ahead is this one: it goes on, or its ending is told now.
                        self.ahead = nil
                        switch ahead.outcome {
                        case .up(let dataMTU)?: session.dtlsUp(dataMTU: dataMTU, now: Self.now())
                        case .failed(let reason)?: session.dtlsFailed(reason, now: Self.now())
                        case nil: break
                        }
                    } else if let reason = link?.start(now: Self.now()) {
                        session.dtlsFailed(reason, now: Self.now())
                    }
                case .stopDTLS:
                    link?.close()
                case .log(let line):
                    onLog(line)
                case .ended(let end):
                    if end == .userDisconnect { sendBeforeClosing(&queue) }
                    return Self.endReason(end)
                }
            }
        }
    }

    private static func channelInfo(_ change: DTLSChannelChange, _ link: DTLSLink?) -> ChannelInfo {
        let mode = link?.dialer.modeName
        switch change {
        case .connecting(let attempt):
            return ChannelInfo(channel: .dtls, state: .connecting, attempt: attempt, reason: mode)
        case .up:
            return ChannelInfo(channel: .dtls, state: .up, protocolVersion: link?.protocolVersion, cipher: link?.cipher, reason: mode)
        case .down(let reason):
            return ChannelInfo(channel: .dtls, state: .down, reason: reason)
        case .backoff(let attempt, let seconds, let reason):
            return ChannelInfo(channel: .dtls, state: .backoff, attempt: attempt, nextInSeconds: seconds, reason: reason)
        case .failed(let seconds, let reason, let gaveUp):
            return ChannelInfo(channel: .dtls, state: .failed, nextInSeconds: seconds, reason: gaveUp ? "\(reason); data stays on TLS" : reason)
        }
    }

    private static func endReason(_ end: TunnelEnd) -> EndReason {
        switch end {
        case .userDisconnect: return .userDisconnect
        case .serverDisconnect(let text): return .serverDisconnect(text)
        case .serverTerminate: return .serverTerminate
        case .peerDead(let seconds): return .peerDead(seconds: seconds)
        case .protocolError(let text): return .protocolError(text)
        case .rekeyDue: return .rekeyDue
        }
    }

    /// Why the session ends after a TLS read or write that closed or failed.
    private static func ending(_ result: TLSClient.IOResult) -> EndReason {
        if case .failed(let reason) = result { return .tlsFailure(reason) }
        return .closedByGateway
    }

    private func setTunMTU(_ mtu: Int, reason: String) {
        guard mtu != tunMTU else { return }
        do {
            try tun.setMTU(mtu)
            tunMTU = mtu
            onReconfigured(mtu, reason)
        } catch {
            onLog("cannot change the tun MTU to \(mtu): \(error)")
        }
    }

    /// Writes `bytes` now if nothing waits before them, else queues them.
    private func send(_ bytes: [UInt8], _ queue: inout [[UInt8]]) -> EndReason? {
        guard queue.isEmpty else {
            queue.append(bytes)
            return nil
        }
        let result = bytes.withUnsafeBytes { stream.write($0) }
        switch result {
        case .done: return nil
        case .wantWrite, .wantRead:
            queue.append(bytes)
            return nil
        case .closed, .failed: return Self.ending(result)
        }
    }

    /// Writes queued frames in order, then sends what the link batched; a frame the socket cannot take stays
    /// first in line.
    private func flush(_ queue: inout [[UInt8]]) -> EndReason? {
        if let failure = flushStream() { return failure }
        while let head = queue.first {
            let result = head.withUnsafeBytes { stream.write($0) }
            switch result {
            case .done:
                queue.removeFirst()
                continue
            case .wantWrite, .wantRead:
                break
            case .closed, .failed:
                return Self.ending(result)
            }
            break
        }
        return flushStream()
    }

    /// Sends what the stream link batched; nil unless the connection is gone.
    private func flushStream() -> EndReason? {
        let result = stream.flush()
        switch result {
        case .closed, .failed: return Self.ending(result)
        case .done, .wantRead, .wantWrite: return nil
        }
    }

    /// The DISCONNECT must reach the gateway before TLS closes; give it two seconds at most.
    private func sendBeforeClosing(_ queue: inout [[UInt8]]) {
        let deadline = Self.now() + 2
        while (!queue.isEmpty || stream.hasPendingWrites) && Self.now() < deadline {
            if flush(&queue) != nil { return }
            if queue.isEmpty && !stream.hasPendingWrites { return }
            var pfd = pollfd(fd: stream.descriptor, events: Int16(POLLOUT), revents: 0)
            _ = poll(&pfd, 1, 100)
        }
    }
}

import Foundation
