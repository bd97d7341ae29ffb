import GatewayProtocol
import Glibc
import SecureChannel

/// Moves packets between the tun device and the CSTP channel on its own thread, never through the actor
/// (DESIGN.md §2). One loop, sequential stages:
///
///   1. poll: wake pipe (stop requests), TLS socket, tun (only while nothing waits to be written)
///   2. TLS → `CSTPDecoder` (one buffer, allocated once) → DATA written to the tun; DPD answered;
///      DISCONNECT / TERMINATE end the session
///   3. tun → 8-byte CSTP header written in front of the packet, in place → one TLS record per packet
///   4. timers: DPD and keepalive from `KeepalivePolicy`; statistics every few seconds
///   5. rtnetlink: the outer connection's address removed, or a default route changed outside the tun, ends
///      the loop; the engine reconnects
///
/// A write the socket cannot take yet stays queued and the tun is not read until it is gone (back-pressure
/// instead of an unbounded queue).
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

    private enum Outgoing {
        case control([UInt8])
        case dpdResponse([UInt8])
        case data(Int)
    }

    /// One line per kind of odd frame, throttled (issue 13, item 7).
    private var unknownFrames = LogThrottle()
    private var compressedFrames = LogThrottle()

    private let tls: TLSClient
    private let tun: TunDevice
    private let initialBytes: [UInt8]
    private let dpd: Int?
    private let keepalive: Int?
    private let statsInterval: Double
    private let dtlsSetup: DTLSSetup?
    /// The gateway's X-CSTP-MTU: the tun's MTU whenever data runs over TLS.
    private let cstpMTU: Int
    private var tunMTU: Int
    /// The tun's MTU when the loop ended (read after `run` returns).
    var currentTunMTU: Int { tunMTU }
    /// Seconds from start until a new tunnel is due (X-CSTP-Rekey-Time), if the gateway asks for rekeys.
    private let rekeyAfter: Double?
    private let onStats: @Sendable (Stats, Stats?) -> Void
    private let onChannel: @Sendable (ChannelInfo) -> Void
    private let onReconfigured: @Sendable (Int, String) -> Void
    private let onLog: @Sendable (String) -> Void
    private let wakeRead: Int32
    private let wakeWrite: Int32

    init(tls: TLSClient, tun: TunDevice, initialBytes: [UInt8], dpd: Int?, keepalive: Int?, statsInterval: Double = 5,
         dtls: DTLSSetup?, cstpMTU: Int, tunMTU: Int, rekeyAfter: Double?,
         onStats: @escaping @Sendable (Stats, Stats?) -> Void, onChannel: @escaping @Sendable (ChannelInfo) -> Void,
         onReconfigured: @escaping @Sendable (Int, String) -> Void, onLog: @escaping @Sendable (String) -> Void) {
        self.tls = tls
        self.tun = tun
        self.initialBytes = initialBytes
        self.dpd = dpd
        self.keepalive = keepalive
        self.statsInterval = statsInterval
        self.dtlsSetup = dtls
        self.cstpMTU = cstpMTU
        self.tunMTU = tunMTU
        self.rekeyAfter = rekeyAfter
        self.onStats = onStats
        self.onChannel = onChannel
        self.onReconfigured = onReconfigured
        self.onLog = onLog
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
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

    private static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    private func loop() -> EndReason {
        tls.enterDataMode()
        var decoder = CSTPDecoder()
        decoder.append(initialBytes)
        // One packet buffer: the CSTP header goes in its first 8 bytes, the tun packet after it.
        let packet = UnsafeMutableRawBufferPointer.allocate(byteCount: CSTPFraming.headerLength + 65536, alignment: 16)
        defer { packet.deallocate() }
        var queue: [Outgoing] = []
        var stats = Stats()
        var policy = KeepalivePolicy(dpd: dpd, keepalive: keepalive, now: Self.now())
        var nextStats = Self.now() + statsInterval
        let rekeyAt = rekeyAfter.map { Self.now() + $0 }
        let channelEvents = onChannel
        let link = dtlsSetup.map { DTLSLink(setup: $0, now: Self.now(), onChannel: { channelEvents($0) }) }
        defer { link?.close() }
        let dtlsBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536 + 1, alignment: 16)
        defer { dtlsBuffer.deallocate() }
        func report() { onStats(stats, link?.stats) }
        let network = NetworkChangeMonitor(watchingLocalAddressOf: tls.descriptor, tun: tun.name)

        if let end = drainFrames(&decoder, &queue, &stats, &policy) { return end }

        while true {
            if let failure = flush(&queue, packet: packet, policy: &policy) { return failure }
            let blocked = !queue.isEmpty
            var fds = [
                pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
                pollfd(fd: tls.descriptor, events: Int16(POLLIN) | (blocked ? Int16(POLLOUT) : 0), revents: 0),
                pollfd(fd: tun.descriptor, events: blocked ? 0 : Int16(POLLIN), revents: 0),
                pollfd(fd: link?.descriptor ?? -1, events: Int16(POLLIN), revents: 0),
                pollfd(fd: network?.descriptor ?? -1, events: Int16(POLLIN), revents: 0),
            ]
            let now = Self.now()
            var deadline = nextStats
            if let next = policy.nextDeadline() { deadline = min(deadline, next) }
            if let next = link?.nextDeadline() { deadline = min(deadline, next) }
            if let rekeyAt { deadline = min(deadline, rekeyAt) }
            let timeout = tls.pendingPlaintext > 0 ? 0 : Int32(max(0, min(60_000, (deadline - now) * 1000 + 1)))
            let ready = poll(&fds, 5, timeout)
            if ready < 0 && errno != EINTR { return .tlsFailure("poll: \(SystemErrno.describe(errno))") }

            if fds[0].revents & Int16(POLLIN) != 0 {
                var mode: UInt8 = 0
                _ = read(wakeRead, &mode, 1)
                if mode == StopMode.hangup.rawValue { report(); return .hangup }
                if mode == StopMode.reconnect.rawValue { report(); return .reconnectRequested }
                queue.append(.control(CSTPFraming.disconnect()))
                sendBeforeClosing(&queue, packet: packet, policy: &policy)
                report()
                return .userDisconnect
            }

            if fds[1].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 || tls.pendingPlaintext > 0 {
                // Bounded per wake-up so the tun side is not starved by a fast download.
                for _ in 0..<64 {
                    let space = decoder.writableSpace()
                    let result = tls.read(into: space)
                    switch result {
                    case .done(let count):
                        decoder.commit(count)
                        if let end = drainFrames(&decoder, &queue, &stats, &policy) { report(); return end }
                        continue
                    case .wantRead, .wantWrite:
                        break
                    case .closed, .failed:
                        report()
                        return Self.ending(result)
                    }
                    break
                }
            }

            if fds[4].revents & Int16(POLLIN) != 0, let change = network?.drain() {
                report()
                return .networkChanged(change)
            }

            if let link {
                var ended: EndReason?
                let transition = link.service(now: Self.now(), readable: fds[3].revents & Int16(POLLIN) != 0, packet: { type, payload in
                    switch CSTPPacketType(rawValue: type) {
                    case .data?: _ = write(tun.descriptor, payload.baseAddress, payload.count)
                    case .disconnect?: ended = .serverDisconnect("over DTLS")
                    case .terminate?: ended = .serverTerminate
                    default: break
                    }
                }, buffer: dtlsBuffer)
                if let ended { report(); return ended }
                switch transition {
                case .up(_, _, let mtu)?:
                    // Never above X-CSTP-MTU: the gateway's own limit (protocol.md §3.3, §4.3).
                    setTunMTU(min(mtu, cstpMTU), reason: "DTLS up: the data MTU over DTLS is \(mtu)")
                case .gaveUp?:
                    setTunMTU(cstpMTU, reason: "DTLS unavailable: data over TLS with the gateway's X-CSTP-MTU")
                case .down?, nil:
                    break
                }
            }

            if queue.isEmpty && fds[2].revents & Int16(POLLIN) != 0 {
                let payloadSpace = UnsafeMutableRawBufferPointer(rebasing: packet[CSTPFraming.headerLength...])
                for _ in 0..<64 {
                    let count = read(tun.descriptor, payloadSpace.baseAddress, payloadSpace.count)
                    if count <= 0 { break }
                    if let link, link.isUp {
                        // DTLS framing: one type byte in front of the packet, in place (protocol.md §3.5).
                        packet[CSTPFraming.headerLength - 1] = CSTPPacketType.data.rawValue
                        let frame = UnsafeRawBufferPointer(rebasing: packet[(CSTPFraming.headerLength - 1)..<(CSTPFraming.headerLength + count)])
                        if link.sendData(frame, now: Self.now()) { continue }
                    }
                    CSTPFraming.writeHeader(into: packet, at: 0, type: .data, length: count)
                    let frameLength = CSTPFraming.headerLength + count
                    stats.packetsOut += 1
                    stats.bytesOut += count
                    let result = tls.write(UnsafeRawBufferPointer(rebasing: packet[0..<frameLength]))
                    switch result {
                    case .done:
                        policy.sent(now: Self.now())
                        continue
                    case .wantWrite, .wantRead:
                        queue.append(.data(frameLength))
                    case .closed, .failed:
                        report()
                        return Self.ending(result)
                    }
                    break
                }
            }

            let later = Self.now()
            if let rekeyAt, later >= rekeyAt {
                report()
                return .rekeyDue
            }
            switch policy.action(now: later) {
            case .none: break
            case .sendDPD: queue.append(.control(CSTPFraming.frame(.dpdRequest)))
            case .sendKeepalive: queue.append(.control(CSTPFraming.frame(.keepalive)))
            case .dead:
                report()
                return .peerDead(seconds: 2 * (dpd ?? 0))
            }
            if later >= nextStats {
                report()
                nextStats = later + statsInterval
            }
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

    /// Handles every complete frame in the decoder; returns why the session ends, if it does.
    private func drainFrames(_ decoder: inout CSTPDecoder, _ queue: inout [Outgoing], _ stats: inout Stats,
                             _ policy: inout KeepalivePolicy) -> EndReason? {
        while true {
            let frame: (type: UInt8, payload: UnsafeRawBufferPointer)?
            do {
                frame = try decoder.next()
            } catch {
                return .protocolError(error.description)
            }
            guard let frame else { return nil }
            policy.received(now: Self.now())
            switch CSTPPacketType(rawValue: frame.type) {
            case .data?:
                stats.packetsIn += 1
                stats.bytesIn += frame.payload.count
                _ = write(tun.descriptor, frame.payload.baseAddress, frame.payload.count)
            case .dpdRequest?:
                // The answer echoes the request's payload (protocol.md §3.4); a bounded number wait at once.
                let waiting = queue.reduce(0) { count, item in
                    if case .dpdResponse = item { return count + 1 }
                    return count
                }
                if FrameBudget.mayQueueDPDResponse(queued: waiting) {
                    queue.append(.dpdResponse(CSTPFraming.frame(.dpdResponse, payload: Array(frame.payload))))
                }
            case .dpdResponse?, .keepalive?:
                break
            case .disconnect?:
                // The gateway's words, bounded and without control characters (issue 13, item 6).
                let text = frame.payload.count > 1
                    ? GatewayText.printable(String(decoding: frame.payload.dropFirst().prefix(200), as: UTF8.self)) : ""
                return .serverDisconnect(text.isEmpty ? "no reason given" : text)
            case .terminate?:
                return .serverTerminate
            case .compressedData?:
                if let line = compressedFrames.note("dropped a compressed packet: Swiftgate offers no compression") { onLog(line) }
            case nil:
                if let line = unknownFrames.note("ignored a CSTP packet of unknown type 0x\(String(frame.type, radix: 16))") {
                    onLog(line)
                }
            }
        }
    }

    /// Writes queued frames in order; a frame the socket cannot take stays first in line.
    private func flush(_ queue: inout [Outgoing], packet: UnsafeMutableRawBufferPointer,
                       policy: inout KeepalivePolicy) -> EndReason? {
        while let head = queue.first {
            let result: TLSClient.IOResult
            switch head {
            case .control(let bytes), .dpdResponse(let bytes): result = bytes.withUnsafeBytes { tls.write($0) }
            case .data(let length): result = tls.write(UnsafeRawBufferPointer(rebasing: packet[0..<length]))
            }
            switch result {
            case .done:
                queue.removeFirst()
                policy.sent(now: Self.now())
            case .wantWrite, .wantRead:
                return nil
            case .closed, .failed:
                return Self.ending(result)
            }
        }
        return nil
    }

    /// The DISCONNECT must reach the gateway before TLS closes; give it two seconds at most.
    private func sendBeforeClosing(_ queue: inout [Outgoing], packet: UnsafeMutableRawBufferPointer,
                                   policy: inout KeepalivePolicy) {
        let deadline = Self.now() + 2
        while !queue.isEmpty && Self.now() < deadline {
            if flush(&queue, packet: packet, policy: &policy) != nil { return }
            if queue.isEmpty { return }
            var pfd = pollfd(fd: tls.descriptor, events: Int16(POLLOUT), revents: 0)
            _ = poll(&pfd, 1, 100)
        }
    }
}

import Foundation
