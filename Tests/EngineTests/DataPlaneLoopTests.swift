@testable import Engine
import Foundation
import GatewayProtocol
import XCTest

/// The real data plane loop over fakes (issue 12, item 2): a socket-pair tun, TLS and DTLS, no root, no ocserv.
final class DataPlaneLoopTests: XCTestCase {
    private final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var channels: [ChannelInfo] = []
        private var reconfigurations: [Int] = []
        let dtlsUp: XCTestExpectation

        init(_ dtlsUp: XCTestExpectation) { self.dtlsUp = dtlsUp }

        func channel(_ info: ChannelInfo) {
            lock.withLock { channels.append(info) }
            if info.state == .up { dtlsUp.fulfill() }
        }

        func reconfigured(_ mtu: Int) { lock.withLock { reconfigurations.append(mtu) } }
        var seenChannels: [ChannelInfo] { lock.withLock { channels } }
        var seenReconfigurations: [Int] { lock.withLock { reconfigurations } }
    }

    func testPacketsFlowOverTLSThenDTLSAndADisconnectReachesTheGateway() async throws {
        let stream = FakeStreamLink()
        let tun = FakePacketDevice()
        let dialer = FakeDatagramDialer(tunnelMTU: 1434)
        let recorder = Recorder(expectation(description: "DTLS comes up"))
        let configuration = TunnelSessionConfiguration(
            dpd: nil, keepalive: nil,
            mtu: TunnelMTUPolicy(cstpMTU: 1400, dtlsOffered: true, xDTLSMTU: 1434), dtls: true)
        let plane = DataPlane(stream: stream, tun: tun, initialBytes: CSTPFraming.frame(.data, payload: [1, 2, 3]),
                              configuration: configuration, statsInterval: 60, dialer: dialer, watchNetwork: false,
                              onStats: { _, _ in }, onChannel: { recorder.channel($0) },
                              onReconfigured: { mtu, _ in recorder.reconfigured(mtu) }, onLog: { _ in })
        let end = Task { await plane.run() }

        // What came with the CONNECT reply reaches the tun first.
        XCTAssertEqual(receive(from: tun.peer), [1, 2, 3])
        await fulfillment(of: [recorder.dtlsUp], timeout: 10)
        XCTAssertEqual(recorder.seenChannels.first?.state, .connecting)
        XCTAssertEqual(recorder.seenChannels.last?.reason, "fake")

        // Up: tun packets go over DTLS, type byte in front.
        transmit([9, 9], to: tun.peer)
        XCTAssertEqual(receive(from: dialer.peer), [CSTPPacketType.data.rawValue, 9, 9])
        // DPD over DTLS is answered over DTLS with the same bytes.
        transmit([CSTPPacketType.dpdRequest.rawValue, 7], to: dialer.peer)
        XCTAssertEqual(receive(from: dialer.peer), [CSTPPacketType.dpdResponse.rawValue, 7])
        // A DISCONNECT over DTLS is ignored, as openconnect's dtls.c does: data keeps flowing.
        transmit([CSTPPacketType.disconnect.rawValue, 0xb0], to: dialer.peer)
        transmit([CSTPPacketType.data.rawValue, 4, 4], to: dialer.peer)
        XCTAssertEqual(receive(from: tun.peer), [4, 4])
        // The gateway may still send over TLS.
        transmit(CSTPFraming.frame(.data, payload: [6, 6]), to: stream.peer)
        XCTAssertEqual(receive(from: tun.peer), [6, 6])

        // A write DTLS refuses (a firewall's EPERM) sends the packet over TLS; DTLS stays up for its DPD to judge.
        dialer.link.refuseWrites = true
        transmit([8, 8], to: tun.peer)
        XCTAssertEqual(receive(from: stream.peer), CSTPFraming.frame(.data, payload: [8, 8]))
        XCTAssertFalse(recorder.seenChannels.contains { $0.state == .down })

        plane.stop(.disconnect)
        XCTAssertEqual(receive(from: stream.peer), CSTPFraming.disconnect())
        let reason = await end.value
        XCTAssertEqual(reason, .userDisconnect)
        XCTAssertEqual(recorder.seenReconfigurations, [], "DTLS up with an unchanged MTU is no reconfiguration")
        XCTAssertEqual(tun.mtuChanges, [])
    }

    /// A turn reads at most 64 DTLS records. When it stops there with the rest of a recvmmsg batch still in the
    /// link and the socket empty, poll sees nothing: the next turn must read on without another datagram arriving.
    func testDatagramsLeftInTheBatchAtTheTurnsBoundArriveWithoutAnotherDatagram() async throws {
        let stream = FakeStreamLink()
        let tun = FakePacketDevice()
        // Batches of 40: the first turn takes two of them off the socket, reads 64 and leaves 16 in the link.
        let dialer = FakeDatagramDialer(tunnelMTU: 1434, batch: 40)
        let total = 80
        for index in 0..<total { transmit([CSTPPacketType.data.rawValue, UInt8(index)], to: dialer.peer) }
        let recorder = Recorder(expectation(description: "DTLS comes up"))
        let configuration = TunnelSessionConfiguration(
            dpd: nil, keepalive: nil,
            mtu: TunnelMTUPolicy(cstpMTU: 1400, dtlsOffered: true, xDTLSMTU: 1434), dtls: true)
        let plane = DataPlane(stream: stream, tun: tun, initialBytes: [], configuration: configuration,
                              statsInterval: 60, dialer: dialer, watchNetwork: false,
                              onStats: { _, _ in }, onChannel: { recorder.channel($0) },
                              onReconfigured: { _, _ in }, onLog: { _ in })
        let end = Task { await plane.run() }
        await fulfillment(of: [recorder.dtlsUp], timeout: 10)

        for index in 0..<total {
            guard let packet = receive(from: tun.peer) else { return XCTFail("packet \(index) of \(total) never arrived") }
            XCTAssertEqual(packet, [UInt8(index)])
        }
        plane.stop(.hangup)
        let reason = await end.value
        XCTAssertEqual(reason, .hangup)
    }

    /// A loop over TLS alone (no DTLS offered, no DPD), its callbacks ignored.
    private func tlsOnlyPlane(_ stream: FakeStreamLink, _ tun: FakePacketDevice) -> DataPlane {
        let configuration = TunnelSessionConfiguration(
            dpd: nil, keepalive: nil,
            mtu: TunnelMTUPolicy(cstpMTU: 1400, dtlsOffered: false, xDTLSMTU: nil), dtls: false)
        return DataPlane(stream: stream, tun: tun, initialBytes: [], configuration: configuration, statsInterval: 60,
                         dialer: nil, watchNetwork: false, onStats: { _, _ in }, onChannel: { _ in },
                         onReconfigured: { _, _ in }, onLog: { _ in })
    }

    /// Receive moderation over TLS (ReceiveModeration): ocserv sends a record per packet, so a download wakes the
    /// loop for a record or two; a turn that read a run of full records and emptied the socket pauses before its
    /// next poll, and one that read a run of ACK-sized records does not.
    func testARunOfFullTLSRecordsPausesTheNextPollAndARunOfSmallOnesDoesNot() async throws {
        for (payloadSize, pauses) in [(1400, true), (52, false)] {
            let stream = FakeStreamLink(readLimit: CSTPFraming.headerLength + payloadSize)
            let tun = FakePacketDevice()
            let count = 8
            for index in 0..<count {
                transmit(CSTPFraming.frame(.data, payload: [UInt8](repeating: UInt8(index), count: payloadSize)), to: stream.peer)
            }
            let plane = tlsOnlyPlane(stream, tun)
            let end = Task { await plane.run() }
            for index in 0..<count {
                guard let packet = receive(from: tun.peer) else { return XCTFail("packet \(index) never arrived") }
                XCTAssertEqual(packet, [UInt8](repeating: UInt8(index), count: payloadSize))
            }
            plane.stop(.hangup)
            let reason = await end.value
            XCTAssertEqual(reason, .hangup)
            if pauses {
                XCTAssertGreaterThan(plane.pausesTaken, 0, "\(count) records of \(payloadSize) bytes in one turn")
            } else {
                XCTAssertEqual(plane.pausesTaken, 0, "\(count) records of \(payloadSize) bytes are ACKs, not a download")
            }
        }
    }

    func testTheGatewaysTerminateOverTLSEndsTheLoop() async throws {
        let stream = FakeStreamLink()
        let tun = FakePacketDevice()
        let plane = tlsOnlyPlane(stream, tun)
        let end = Task { await plane.run() }
        transmit([5, 5, 5], to: tun.peer)
        XCTAssertEqual(receive(from: stream.peer), CSTPFraming.frame(.data, payload: [5, 5, 5]), "over TLS without DTLS")
        transmit(CSTPFraming.frame(.terminate), to: stream.peer)
        let reason = await end.value
        XCTAssertEqual(reason, .serverTerminate)
    }

    /// Coalesced TLS writes (issue 12, item 3) with a gateway that reads slowly: a burst larger than the socket
    /// buffers blocks writes again and again, and every packet still arrives once, whole and in order.
    func testABurstThroughBlockedCoalescedWritesArrivesWholeAndInOrder() async throws {
        let stream = FakeStreamLink()
        let tun = FakePacketDevice()
        var small: Int32 = 4096
        _ = setsockopt(stream.descriptor, SOL_SOCKET, SO_SNDBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        let plane = tlsOnlyPlane(stream, tun)
        let end = Task { await plane.run() }
        let total = 3000
        @Sendable func packet(_ index: Int) -> [UInt8] {
            (0..<(40 + index % 1360)).map { UInt8(truncatingIfNeeded: $0 &+ index) }
        }
        let peer = tun.peer
        let sender = Thread { for index in 0..<total { transmit(packet(index), to: peer) } }
        sender.start()

        var decoder = CSTPDecoder()
        var seen = 0
        while seen < total {
            var pfd = pollfd(fd: stream.peer, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 10_000) == 1 else { return XCTFail("stalled after \(seen) of \(total) packets") }
            let space = decoder.writableSpace()
            let count = recv(stream.peer, space.baseAddress, min(space.count, 3000), 0)
            XCTAssertGreaterThan(count, 0)
            decoder.commit(count)
            while let frame = try decoder.next() {
                XCTAssertEqual(frame.type, CSTPPacketType.data.rawValue)
                XCTAssertEqual(Array(frame.payload), packet(seen), "packet \(seen)")
                seen += 1
            }
        }
        plane.stop(.hangup)
        let reason = await end.value
        XCTAssertEqual(reason, .hangup)
    }
}
