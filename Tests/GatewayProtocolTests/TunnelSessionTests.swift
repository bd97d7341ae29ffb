import GatewayProtocol
import XCTest

/// The tunnel's policies with a manual clock (issue 12, item 1): no sockets, no sleeps.
final class TunnelSessionTests: XCTestCase {
    private func mtu(cstp: Int = 1400, dtls: Bool = true, xDTLS: Int? = 1434) -> TunnelMTUPolicy {
        TunnelMTUPolicy(cstpMTU: cstp, dtlsOffered: dtls, xDTLSMTU: xDTLS)
    }

    private func session(dpd: Int? = 30, keepalive: Int? = nil, dtlsDPD: Int? = 30, dtls: Bool = true,
                         rekeyAfter: Double? = nil, mtu policy: TunnelMTUPolicy? = nil) -> TunnelSession {
        TunnelSession(TunnelSessionConfiguration(dpd: dpd, keepalive: keepalive, dtlsDPD: dtlsDPD, dtlsKeepalive: nil,
                                                 mtu: policy ?? mtu(dtls: dtls), dtls: dtls, rekeyAfter: rekeyAfter),
                      now: 0)
    }

    private func frame(_ type: CSTPPacketType, _ payload: [UInt8] = []) -> [UInt8] { CSTPFraming.frame(type, payload: payload) }

    /// Brings DTLS up at `now`: the first attempt is due at once.
    private func bringUp(_ session: inout TunnelSession, now: Double = 0, dataMTU: Int = 1434) -> [TunnelAction] {
        session.tick(now: now)
        XCTAssertEqual(session.takeActions(), [.dtlsChanged(.connecting(attempt: nil)), .startDTLS])
        session.dtlsUp(dataMTU: dataMTU, now: now + 0.1)
        return session.takeActions()
    }

    // MARK: - Data both ways

    func testDataOverTLSInBothDirectionsWithCounters() {
        var s = session(dtls: false)
        s.receivedTLS(frame(.data, [1, 2, 3]), now: 1)
        XCTAssertEqual(s.takeActions(), [.writeToTun([1, 2, 3])])
        s.packetFromTun([9, 8], now: 1)
        XCTAssertEqual(s.takeActions(), [.sendTLS(frame(.data, [9, 8]))])
        XCTAssertEqual(s.tls.packetsIn, 1)
        XCTAssertEqual(s.tls.bytesIn, 3)
        XCTAssertEqual(s.tls.bytesOut, 2)
    }

    func testFramesSplitAcrossReadsAreReassembled() {
        var s = session(dtls: false)
        let bytes = frame(.data, [1, 2, 3, 4]) + frame(.data, [5])
        s.receivedTLS(Array(bytes[0..<5]), now: 0)
        XCTAssertEqual(s.takeActions(), [])
        s.receivedTLS(Array(bytes[5...]), now: 0)
        XCTAssertEqual(s.takeActions(), [.writeToTun([1, 2, 3, 4]), .writeToTun([5])])
    }

    func testZeroCopyReadSpaceFeedsTheSameDecoder() {
        var s = session(dtls: false)
        let bytes = frame(.data, [7, 7])
        let space = s.tlsReadSpace()
        for (index, byte) in bytes.enumerated() { space[index] = byte }
        s.committedTLS(bytes.count, now: 0)
        XCTAssertEqual(s.takeActions(), [.writeToTun([7, 7])])
    }

    func testTheDataPlanePathDeliversPayloadsFromItsOwnBufferWithoutActions() {
        var s = session()
        _ = bringUp(&s)
        let bytes = frame(.data, [7, 7]) + frame(.dpdRequest, [1]) + frame(.data, [8])
        let space = s.tlsReadSpace()
        for (index, byte) in bytes.enumerated() { space[index] = byte }
        var delivered: [[UInt8]] = []
        s.committedTLS(bytes.count, now: 1) { delivered.append(Array($0)) }
        XCTAssertEqual(delivered, [[7, 7], [8]], "both packets, in order")
        XCTAssertEqual(s.takeActions(), [.sendTLS(frame(.dpdResponse, [1]))], "only control is left as actions")
        XCTAssertEqual(s.tls.packetsIn, 2)

        delivered = []
        let datagram: [UInt8] = [CSTPPacketType.data.rawValue, 4, 5, 6]
        datagram.withUnsafeBytes { s.receivedDatagram($0, now: 2) { delivered.append(Array($0)) } }
        XCTAssertEqual(delivered, [[4, 5, 6]])
        XCTAssertEqual(s.takeActions(), [])
        XCTAssertEqual(s.dtlsTraffic.packetsIn, 1)
    }

    // MARK: - Ends

    func testDisconnectFromTheGatewayEndsWithItsWordsBoundedAndPrintable() {
        var s = session(dtls: false)
        s.receivedTLS(frame(.disconnect, [0xb0] + Array("idle\u{1b}[2J timeout".utf8)) + frame(.data, [1]), now: 0)
        let actions = s.takeActions()
        XCTAssertEqual(actions.count, 1, "nothing after the end: \(actions)")
        guard case .ended(.serverDisconnect(let text)) = actions.first else { return XCTFail("\(actions)") }
        XCTAssertFalse(text.contains("\u{1b}"))
        XCTAssertTrue(text.contains("timeout"))
        XCTAssertTrue(s.hasEnded)
        s.packetFromTun([1], now: 1)
        XCTAssertEqual(s.takeActions(), [], "an ended session does nothing")
    }

    func testTerminateAndBrokenFramingEnd() {
        var s = session(dtls: false)
        s.receivedTLS(frame(.terminate), now: 0)
        XCTAssertEqual(s.takeActions(), [.ended(.serverTerminate)])

        var broken = session(dtls: false)
        broken.receivedTLS([0x41, 0x42, 0x43, 0x44, 0, 1, 0, 0, 9], now: 0)
        guard case .ended(.protocolError)? = broken.takeActions().last else { return XCTFail("bad magic must end") }
    }

    func testUserDisconnectSendsDISCONNECTThenEnds() {
        var s = session(dtls: false)
        s.disconnect()
        XCTAssertEqual(s.takeActions(), [.sendTLS(CSTPFraming.disconnect()), .ended(.userDisconnect)])
    }

    func testRekeyIsDueAfterTheGatewaysInterval() {
        var s = session(dpd: nil, dtls: false, rekeyAfter: 3600)
        XCTAssertEqual(s.nextDeadline(), 3600)
        s.tick(now: 3599)
        XCTAssertEqual(s.takeActions(), [])
        s.tick(now: 3600)
        XCTAssertEqual(s.takeActions(), [.ended(.rekeyDue)])
    }

    // MARK: - DPD and keepalive over TLS

    func testTLSDPDThenDeadAfterTwiceTheInterval() {
        var s = session(dpd: 10, dtls: false)
        XCTAssertEqual(s.nextDeadline(), 10)
        s.tick(now: 10)
        XCTAssertEqual(s.takeActions(), [.sendTLS(frame(.dpdRequest))])
        s.tick(now: 19.9)
        XCTAssertEqual(s.takeActions(), [.sendTLS(frame(.dpdRequest))], "repeated every dpd/2")
        s.tick(now: 20)
        XCTAssertEqual(s.takeActions(), [.ended(.peerDead(seconds: 20))])
    }

    func testAnyFrameFromTheGatewayKeepsTLSAlive() {
        var s = session(dpd: 10, dtls: false)
        s.receivedTLS(frame(.keepalive), now: 9)
        s.tick(now: 18)
        XCTAssertEqual(s.takeActions(), [], "heard from at 9: DPD due at 19")
        s.tick(now: 19)
        XCTAssertEqual(s.takeActions(), [.sendTLS(frame(.dpdRequest))])
    }

    func testKeepaliveWhenNothingWasSent() {
        var s = session(dpd: nil, keepalive: 20, dtls: false)
        s.packetFromTun([1], now: 5)
        _ = s.takeActions()
        s.tick(now: 24)
        XCTAssertEqual(s.takeActions(), [])
        s.tick(now: 25)
        XCTAssertEqual(s.takeActions(), [.sendTLS(frame(.keepalive))])
    }

    func testDPDEchoCarriesThePayloadAndIsBounded() {
        var s = session(dtls: false)
        s.receivedTLS(frame(.dpdRequest, [1, 2]), now: 0)
        XCTAssertEqual(s.takeActions(), [.sendTLS(frame(.dpdResponse, [1, 2]))])
        // A flood that the loop cannot write gets a bounded number of answers until its queue drains.
        s.receivedTLS(Array(repeating: frame(.dpdRequest), count: 50).flatMap { $0 }, now: 1)
        XCTAssertEqual(s.takeActions().count, FrameBudget.queuedDPDResponses - 1)
        s.tlsQueueDrained()
        s.receivedTLS(frame(.dpdRequest), now: 2)
        XCTAssertEqual(s.takeActions(), [.sendTLS(frame(.dpdResponse))])
    }

    func testOddFramesAreLoggedThrottled() {
        var s = session(dtls: false)
        s.receivedTLS(Array(repeating: frame(.compressedData, [1]), count: 3000).flatMap { $0 }, now: 0)
        let logs = s.takeActions().filter { if case .log = $0 { return true } else { return false } }
        XCTAssertEqual(logs.count, 5 + 3, "five lines, then one per thousand")
        s.receivedTLS(Array(repeating: [0x53, 0x54, 0x46, 0x01, 0, 0, 0x42, 0], count: 20).flatMap { $0 }, now: 0)
        XCTAssertEqual(s.takeActions().count, 5)
        XCTAssertFalse(s.hasEnded, "odd types are not fatal")
    }

    // MARK: - DTLS switch, channel DPD, fallback

    func testTunPacketsSwitchToDTLSWithoutLossOrReorderPerChannel() {
        var s = session()
        s.tick(now: 0)
        _ = s.takeActions()
        // A TCP flow's segments 1...10; DTLS comes up after the fifth.
        var overTLS: [UInt8] = [], overDTLS: [UInt8] = []
        for segment in UInt8(1)...10 {
            if segment == 6 { s.dtlsUp(dataMTU: 1434, now: 0.5) }
            s.packetFromTun([segment], now: 0.5)
            for action in s.takeActions() {
                switch action {
                case .sendTLS(let bytes): overTLS.append(bytes[CSTPFraming.headerLength])
                case .sendDTLS(let datagram):
                    XCTAssertEqual(datagram.first, CSTPPacketType.data.rawValue)
                    overDTLS.append(datagram[1])
                case .dtlsChanged(.up): break
                default: XCTFail("unexpected \(action)")
                }
            }
        }
        XCTAssertEqual(overTLS, [1, 2, 3, 4, 5])
        XCTAssertEqual(overDTLS, [6, 7, 8, 9, 10])
        XCTAssertEqual(s.dtlsTraffic.packetsOut, 5)
        // The gateway may still send over TLS while it switches: those packets reach the tun too, in order.
        s.receivedTLS(frame(.data, [20]), now: 0.6)
        s.receivedDatagram([0, 21], now: 0.6)
        s.receivedTLS(frame(.data, [22]), now: 0.6)
        XCTAssertEqual(s.takeActions(), [.writeToTun([20]), .writeToTun([21]), .writeToTun([22])])
    }

    func testDTLSDPDAnsweredOverDTLSAndDeadChannelFallsBackToTLS() {
        var s = session(dpd: 300, dtlsDPD: 10)
        _ = bringUp(&s, now: 0)
        s.receivedDatagram([CSTPPacketType.dpdRequest.rawValue, 5], now: 1)
        XCTAssertEqual(s.takeActions(), [.sendDTLS([CSTPPacketType.dpdResponse.rawValue, 5])])
        s.tick(now: 11)
        XCTAssertEqual(s.takeActions(), [.sendDTLS([CSTPPacketType.dpdRequest.rawValue])])
        s.tick(now: 21)
        XCTAssertEqual(s.takeActions(), [.stopDTLS, .dtlsChanged(.down(reason: "DTLS silent for 20 s")),
                                         .dtlsChanged(.backoff(attempt: 1, afterSeconds: 1, reason: "DTLS silent for 20 s"))])
        XCTAssertFalse(s.isDTLSUp)
        s.packetFromTun([1], now: 21)
        XCTAssertEqual(s.takeActions(), [.sendTLS(frame(.data, [1]))], "data goes back to TLS")
        s.tick(now: 22)
        XCTAssertEqual(s.takeActions(), [.dtlsChanged(.connecting(attempt: 1)), .startDTLS])
    }

    func testAPacketDTLSCannotWriteIsCountedOverTLSAndDTLSStaysUp() {
        var s = session()
        _ = bringUp(&s)
        XCTAssertEqual(s.routeTunPacket(length: 100, now: 1), .dtls)
        s.dtlsSendFailed(length: 100, now: 1)
        XCTAssertEqual(s.dtlsTraffic.packetsOut, 0)
        XCTAssertEqual(s.tls.packetsOut, 1)
        XCTAssertEqual(s.tls.bytesOut, 100)
        XCTAssertTrue(s.isDTLSUp, "only DPD decides DTLS is dead")
    }

    func testDTLSClosedByTheGatewayRetries() {
        var s = session()
        _ = bringUp(&s)
        s.dtlsClosed("the gateway closed DTLS", now: 5)
        XCTAssertEqual(s.takeActions(), [.dtlsChanged(.down(reason: "the gateway closed DTLS")),
                                         .dtlsChanged(.backoff(attempt: 1, afterSeconds: 1, reason: "the gateway closed DTLS"))])
    }

    func testDisconnectAndUnknownTypesOverDTLSAreIgnoredAsOpenconnectDoes() {
        var s = session()
        _ = bringUp(&s)
        s.receivedDatagram([CSTPPacketType.disconnect.rawValue, 0xb0], now: 1)
        s.receivedDatagram([CSTPPacketType.terminate.rawValue], now: 1)
        s.receivedDatagram([0x42, 1, 2], now: 1)
        s.receivedDatagram([], now: 1)
        let actions = s.takeActions()
        XCTAssertEqual(actions.count, 3)
        XCTAssertTrue(actions.allSatisfy { if case .log = $0 { return true } else { return false } }, "\(actions)")
        XCTAssertFalse(s.hasEnded)
        XCTAssertTrue(s.isDTLSUp)
        // And bounded: a flood of them does not become a flood of lines.
        for _ in 0..<5000 { s.receivedDatagram([0x42], now: 2) }
        XCTAssertLessThanOrEqual(s.takeActions().count, 10)
    }

    /// Six DTLS attempts that each time out unanswered (five backoffs, then giving up): the channel changes and
    /// tun MTU actions they caused, and the time after the last.
    private func failSixAttempts(_ s: inout TunnelSession) -> (changes: [DTLSChannelChange], mtus: [TunnelAction], now: Double) {
        var now = 0.0
        var changes: [DTLSChannelChange] = []
        var mtus: [TunnelAction] = []
        for _ in 0..<6 {
            s.tick(now: now)
            XCTAssertEqual(s.takeActions().last, .startDTLS)
            now += 3  // the attempt's limit passes without an answer
            s.tick(now: now)
            for action in s.takeActions() {
                if case .dtlsChanged(let change) = action { changes.append(change) }
                if case .setTunMTU = action { mtus.append(action) }
            }
            now = s.nextDeadline()!
        }
        return (changes, mtus, now)
    }

    func testRetryScheduleThenGiveUpTakesTheCSTPMTUOnce() {
        var s = session(dpd: nil)
        XCTAssertEqual(s.tunMTU, 1434, "the tun comes up with X-DTLS-MTU while DTLS is expected")
        let (changes, mtus, now) = failSixAttempts(&s)
        let reason = "no answer from the gateway over UDP"
        XCTAssertEqual(changes, [1, 2, 4, 8, 16].enumerated().map { .backoff(attempt: $0 + 1, afterSeconds: $1, reason: reason) }
            + [.failed(afterSeconds: 60, reason: reason, gaveUp: true)])
        XCTAssertEqual(mtus, [.setTunMTU(1400, reason: .dtlsGaveUp)], "X-CSTP-MTU when DTLS gives up, shown once")
        // The periodic try fails again: no second reconfiguration.
        s.tick(now: now)
        _ = s.takeActions()
        s.dtlsFailed("refused", now: now + 1)
        XCTAssertEqual(s.takeActions(), [.dtlsChanged(.failed(afterSeconds: 60, reason: "refused", gaveUp: false))])
        // A later success brings the DTLS MTU back.
        s.tick(now: now + 61)
        _ = s.takeActions()
        s.dtlsUp(dataMTU: 1500, now: now + 61.2)
        XCTAssertEqual(s.takeActions(), [.dtlsChanged(.up), .setTunMTU(1434, reason: .dtlsUp(dataMTU: 1500))])
    }

    func testDTLSUpWithAnUnchangedMTUIsNoReconfiguration() {
        var s = session()
        XCTAssertEqual(bringUp(&s, dataMTU: 1434), [.dtlsChanged(.up)])
        var roomy = session()
        XCTAssertEqual(bringUp(&roomy, dataMTU: 1480), [.dtlsChanged(.up)], "room to spare changes nothing")
        var tight = session()
        XCTAssertEqual(bringUp(&tight, dataMTU: 1418), [.dtlsChanged(.up), .setTunMTU(1418, reason: .dtlsUp(dataMTU: 1418))],
                       "a channel that cannot carry the MTU lowers it")
    }

    func testWithoutXDTLSMTUDTLSGivingUpChangesNoMTU() {
        // ocserv's shape (no X-DTLS-MTU): the tun has had X-CSTP-MTU all along, so giving DTLS up reconfigures
        // nothing the person sees.
        var s = session(dpd: nil, mtu: mtu(cstp: 1434, xDTLS: nil))
        XCTAssertEqual(s.tunMTU, 1434)
        let (changes, mtus, _) = failSixAttempts(&s)
        XCTAssertEqual(changes.last, .failed(afterSeconds: 60, reason: "no answer from the gateway over UDP", gaveUp: true))
        XCTAssertEqual(mtus, [], "nothing to reconfigure")
        XCTAssertEqual(s.tunMTU, 1434)
    }

    func testNoDTLSMeansNoAttemptsAndTheCSTPMTU() {
        var s = session(dpd: nil, dtls: false)
        XCTAssertEqual(s.tunMTU, 1400)
        s.tick(now: 100)
        XCTAssertEqual(s.takeActions(), [])
        s.receivedDatagram([0, 1], now: 100)
        XCTAssertEqual(s.takeActions(), [], "no DTLS channel, no datagrams")
    }

    func testAReconnectKeepsTheMTUTheLastTunnelLeft() {
        let s = TunnelSession(TunnelSessionConfiguration(dpd: nil, keepalive: nil, mtu: mtu(), dtls: true, tunMTU: 1400), now: 0)
        XCTAssertEqual(s.tunMTU, 1400)
    }

    // MARK: - MTU policy

    func testMTUPolicyFollowsCiscosFlow() {
        // ASA: X-DTLS-MTU above X-CSTP-MTU; the tun takes the larger while DTLS is expected (openconnect's cstp.c).
        XCTAssertEqual(mtu(cstp: 1367, xDTLS: 1390).initial, 1390)
        XCTAssertEqual(mtu(cstp: 1400, xDTLS: 1300).initial, 1400)
        // ocserv: no X-DTLS-MTU, and an X-CSTP-MTU it derived from the DTLS cipher: the tun takes it, as openconnect.
        XCTAssertEqual(mtu(cstp: 1434, xDTLS: nil).initial, 1434)
        XCTAssertEqual(mtu(cstp: 1434, xDTLS: nil).whenDTLSUp(dataMTU: 1434), 1434)
        XCTAssertEqual(mtu(cstp: 1434, xDTLS: nil).whenDTLSUp(dataMTU: 1406), 1406, "a costlier cipher lowers it")
        XCTAssertEqual(mtu(cstp: 1400, dtls: false).initial, 1400)
        XCTAssertEqual(mtu(cstp: 1367, xDTLS: 1390).whenDTLSGaveUp, 1367)
        XCTAssertEqual(mtu(cstp: 1367, xDTLS: 1390).whenDTLSUp(dataMTU: 1500), 1390)
    }
}
