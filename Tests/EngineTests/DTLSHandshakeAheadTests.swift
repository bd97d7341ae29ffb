@testable import Engine
import Foundation
import GatewayProtocol
import XCTest

/// The first DTLS handshake begun before the data plane (issue 12, item 4): the data plane continues it,
/// whatever state it is in, and never opens a second attempt in its place.
final class DTLSHandshakeAheadTests: XCTestCase {
    private final class Channels: @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [ChannelInfo] = []
        let expected: XCTestExpectation
        private let state: ChannelInfo.State

        init(_ expected: XCTestExpectation, on state: ChannelInfo.State) {
            self.expected = expected
            self.state = state
        }

        func record(_ info: ChannelInfo) {
            lock.withLock { seen.append(info) }
            if info.state == state { expected.fulfill() }
        }

        var all: [ChannelInfo] { lock.withLock { seen } }
    }

    private final class Events: @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [EngineEvent] = []
        func append(_ event: EngineEvent) { lock.withLock { seen.append(event) } }
        var all: [EngineEvent] { lock.withLock { seen } }
    }

    private struct RefusingDialer: DatagramDialer {
        let modeName = "refusing"
        let dpd: Int? = nil
        let keepalive: Int? = nil
        let attemptSeconds = 3.0
        func dial() throws -> any DatagramLink { throw POSIXError(.ENETUNREACH) }
    }

    /// A data plane running over fakes with `ahead` handed to it; `channels` fulfils its expectation on `state`.
    private struct Running {
        let stream: FakeStreamLink
        let tun: FakePacketDevice
        let channels: Channels
        let plane: DataPlane
        let end: Task<DataPlane.EndReason, Never>
    }

    private func run(_ dialer: any DatagramDialer, _ ahead: DTLSHandshakeAhead.Handover,
                     until state: ChannelInfo.State) -> Running {
        let stream = FakeStreamLink()
        let tun = FakePacketDevice()
        let channels = Channels(expectation(description: "DTLS \(state)"), on: state)
        let configuration = TunnelSessionConfiguration(
            dpd: nil, keepalive: nil,
            mtu: TunnelMTUPolicy(cstpMTU: 1400, dtlsOffered: true, xDTLSMTU: 1434), dtls: true)
        let plane = DataPlane(stream: stream, tun: tun, initialBytes: [], configuration: configuration, statsInterval: 60,
                              dialer: dialer, handshakeAhead: ahead, watchNetwork: false, onStats: { _, _ in },
                              onChannel: { channels.record($0) }, onReconfigured: { _, _ in }, onLog: { _ in })
        return Running(stream: stream, tun: tun, channels: channels, plane: plane, end: Task { await plane.run() })
    }

    func testAHandshakeFinishedAheadCarriesDataWithoutASecondAttempt() async throws {
        let dialer = FakeDatagramDialer(tunnelMTU: 1434)
        let handover = DTLSHandshakeAhead(dialer: dialer).handOver()
        XCTAssertEqual(handover.outcome, .up(dataMTU: 1434))

        let running = run(dialer, handover, until: .up)
        await fulfillment(of: [running.channels.expected], timeout: 10)
        XCTAssertEqual(running.channels.all.map(\.state), [.connecting, .up])

        transmit([9, 9], to: running.tun.peer)
        XCTAssertEqual(receive(from: dialer.peer), [CSTPPacketType.data.rawValue, 9, 9], "data goes over the link made ahead")
        XCTAssertEqual(dialer.dials, 1, "the data plane opened no attempt of its own")
        running.plane.stop(.hangup)
        let reason = await running.end.value
        XCTAssertEqual(reason, .hangup)
    }

    func testAHandshakeStillUnderWayIsFinishedByTheDataPlane() async throws {
        let dialer = FakeDatagramDialer(tunnelMTU: 1434, handshakeWaitsForPeer: true)
        let handover = DTLSHandshakeAhead(dialer: dialer).handOver()
        XCTAssertNil(handover.outcome, "the gateway has not answered yet")

        let running = run(dialer, handover, until: .up)
        // The gateway's answer arrives after the handover: the data plane reads it and the handshake ends.
        transmit([0x16], to: dialer.peer)
        await fulfillment(of: [running.channels.expected], timeout: 10)
        transmit([7], to: running.tun.peer)
        XCTAssertEqual(receive(from: dialer.peer), [CSTPPacketType.data.rawValue, 7])
        XCTAssertEqual(dialer.dials, 1)
        running.plane.stop(.hangup)
        _ = await running.end.value
    }

    func testAnAttemptThatFailedAheadIsReportedAndRetriedAsAnyOther() async throws {
        let dialer = RefusingDialer()
        let handover = DTLSHandshakeAhead(dialer: dialer).handOver()
        guard case .failed(let reason)? = handover.outcome else { return XCTFail("expected a failure, got \(String(describing: handover.outcome))") }
        XCTAssertTrue(reason.contains("ENETUNREACH") || reason.lowercased().contains("unreachable"), reason)

        let running = run(dialer, handover, until: .backoff)
        await fulfillment(of: [running.channels.expected], timeout: 10)
        XCTAssertEqual(running.channels.all.last?.reason, reason, "the failure ahead is the first attempt's")
        // Meanwhile data goes over TLS.
        transmit([5], to: running.tun.peer)
        XCTAssertEqual(receive(from: running.stream.peer), CSTPFraming.frame(.data, payload: [5]))
        running.plane.stop(.hangup)
        _ = await running.end.value
    }

    func testACancelledHandshakeClosesItsLink() {
        let dialer = FakeDatagramDialer(tunnelMTU: 1434, handshakeWaitsForPeer: true)
        let ahead = DTLSHandshakeAhead(dialer: dialer)
        ahead.cancel()
        XCTAssertEqual(dialer.link.closeCount, 1, "the abandoned attempt's link is closed")
        ahead.cancel()
        XCTAssertEqual(dialer.link.closeCount, 1, "a second cancel does nothing")
    }

    func testTheDTLSPhaseLastsFromTheHandshakeBegunAhead() {
        let events = Events()
        let began = ContinuousClock.now - .milliseconds(300)
        let reporter = DTLSPhaseReporter(firstAttemptStarted: began, emit: { events.append($0) })
        reporter.channelChanged(ChannelInfo(channel: .dtls, state: .connecting, reason: "psk"))
        reporter.channelChanged(ChannelInfo(channel: .dtls, state: .up, protocolVersion: "DTLSv1.2", cipher: "x", reason: "psk"))
        let done = events.all.compactMap { event -> Int? in
            if case .phase(.dtls, .done, let milliseconds, _) = event { return milliseconds }
            return nil
        }
        XCTAssertEqual(done.count, 1)
        XCTAssertGreaterThanOrEqual(done.first ?? 0, 300)
    }
}
