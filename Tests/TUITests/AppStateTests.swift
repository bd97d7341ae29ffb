@testable import Engine
import GatewayProtocol
import TUI
import XCTest

/// The reducer, from the event sequence of a real connection: it never runs ahead of the engine.
final class AppStateTests: XCTestCase {
    func testPhasesFollowTheEventsWithTheirDurations() {
        let state = Fixtures.state(Fixtures.connected)
        XCTAssertEqual(state.phases.map(\.id), PhaseID.allCases)
        XCTAssertEqual(state.phases.map(\.state), [.done, .done, .done, .skipped, .done, .done])
        XCTAssertEqual(state.phase(.tls).milliseconds, 182)
        XCTAssertEqual(state.phase(.groupSelect).milliseconds, 1431)
        XCTAssertEqual(state.phase(.download).reason, "the gateway names no profile")
        XCTAssertEqual(state.phase(.dtls).milliseconds, 3190)
        XCTAssertNil(state.phase(.dtls).retry, "a finished phase no longer shows its retry")
        XCTAssertEqual(state.dpd, 30)
        XCTAssertEqual(state.keepalive, 20)
        XCTAssertEqual(state.cstpMTU, 1406)
        XCTAssertEqual(state.dtlsMode, "psk")
        XCTAssertEqual(state.certificate?.decision, .valid)
        XCTAssertEqual(state.tunnel?.interface, "tun0")
    }

    func testARunningPhaseTicksWithTheClockPassedIn() {
        let state = Fixtures.state(Fixtures.authenticating)
        let auth = state.phase(.userAuth)
        XCTAssertEqual(auth.state, .started)
        XCTAssertEqual(auth.elapsedMilliseconds(now: Fixtures.t0 + 1.613), 0)
        XCTAssertEqual(auth.elapsedMilliseconds(now: Fixtures.t0 + 3.613), 2000)
        XCTAssertNil(state.phase(.cstp).elapsedMilliseconds(now: Fixtures.t0 + 10))
        XCTAssertEqual(state.status, .connecting)
    }

    func testConnectedOnlyAfterTheConnectedEvent() {
        var state = AppState()
        state.begin(gateway: "office", at: 0)
        let upToTunnel = Fixtures.connecting.prefix { if case .connected = $0.1 { false } else { true } }
        for (time, event) in upToTunnel { state.apply(event, at: time) }
        XCTAssertEqual(state.status, .connecting, "the TLS channel being up is not yet 'connected'")
        XCTAssertNil(state.carrier)
        XCTAssertNil(state.uptimeSeconds(now: 100))
        state.apply(.connected(transport: .tls), at: 6.4)
        XCTAssertEqual(state.status, .connected)
        XCTAssertEqual(state.carrier, .tls)
        XCTAssertEqual(state.uptimeSeconds(now: 16.4) ?? 0, 10, accuracy: 0.001)
    }

    func testDTLSCarriesDataOnlyWhileItsChannelIsUp() {
        var state = Fixtures.state(Fixtures.connecting)
        XCTAssertEqual(state.dtls?.info.state, .backoff)
        XCTAssertEqual(state.carrier, .tls, "during the backoff data stays on TLS")
        state.apply(.channel(ChannelInfo(channel: .dtls, state: .up, protocolVersion: "DTLSv1.2", cipher: "AES")), at: 2_000)
        XCTAssertEqual(state.carrier, .dtls)
        state.apply(.channel(ChannelInfo(channel: .dtls, state: .down, reason: "DPD timeout")), at: 2_100)
        XCTAssertEqual(state.carrier, .tls)
        XCTAssertTrue(state.log.contains { $0.text.contains("data back on TLS") })
        state.apply(.disconnected(reason: "disconnected by the user"), at: 2_200)
        XCTAssertNil(state.carrier)
        XCTAssertEqual(state.status, .disconnected(reason: "disconnected by the user"))
    }

    func testBackoffCountdownRunsFromTheEventTime() {
        let state = Fixtures.state(Fixtures.connecting)
        let dtls = state.dtls!
        XCTAssertEqual(dtls.updatedAt, Fixtures.t0 + 7.41)
        XCTAssertEqual(dtls.secondsUntilNextAttempt(now: Fixtures.t0 + 7.41), 2)
        XCTAssertEqual(dtls.secondsUntilNextAttempt(now: Fixtures.t0 + 8.5), 1)
        XCTAssertEqual(dtls.secondsUntilNextAttempt(now: Fixtures.t0 + 30), 0, "never below zero")
        let retry = state.phase(.dtls).retry
        XCTAssertEqual(retry?.attempt, 1)
        XCTAssertEqual(retry?.of, 5)
        XCTAssertEqual(state.phase(.dtls).state, .retry)
    }

    func testRatesAndTheirHistoryFromSuccessiveStats() {
        let state = Fixtures.state(Fixtures.connected)
        XCTAssertEqual(state.tlsTraffic?.stats.bytesIn, 62_000)
        XCTAssertEqual(state.dtlsTraffic?.stats.bytesIn, 5_000_000)
        // TLS then TLS+DTLS pairs: one sample per moment, the pair summed.
        XCTAssertEqual(state.rates.samples.count, 5)
        XCTAssertEqual(state.rates.inRates.first!, 50_000, accuracy: 0.001)
        let last = state.rates.samples.last!
        XCTAssertEqual(last.bytesInPerSecond, 200 + 1_100_000, accuracy: 0.001)
        XCTAssertEqual(last.bytesOutPerSecond, 100 + 140_000, accuracy: 0.001)
        XCTAssertEqual(state.totalBytes.bytesIn, 5_062_000)
    }

    func testCountersGoingBackwardsGiveNoNegativeRate() {
        var state = AppState()
        state.apply(Fixtures.stats(.tls, 1_000, 1_000, 1, 1), at: 0)
        state.apply(Fixtures.stats(.tls, 500, 100, 1, 1), at: 1)
        XCTAssertEqual(state.tlsTraffic?.bytesInPerSecond, 0)
        XCTAssertEqual(state.rates.samples.last?.bytesOutPerSecond, 0)
    }

    func testFailureIsKeptOnTheFailingPhaseWithItsReason() {
        let state = Fixtures.state(Fixtures.authenticating + [
            (4.0, .phase(.userAuth, .failed, milliseconds: 2387, detail: [("reason", "authentication refused")])),
            (4.0, .error(code: 3, message: "authentication refused: Login failed.")),
        ])
        XCTAssertEqual(state.failedPhase?.id, .userAuth)
        XCTAssertEqual(state.failedPhase?.reason, "authentication refused")
        XCTAssertEqual(state.status, .failed(message: "authentication refused: Login failed."))
        XCTAssertEqual(state.lastError?.code, 3)
        XCTAssertEqual(state.phase(.tls).state, .done, "the strip stays on screen")
        XCTAssertEqual(state.log.last?.level, .error)
    }

    func testReconfigurationShowsBrieflyAndUpdatesTheMTU() {
        var state = Fixtures.state(Fixtures.connecting)
        state.apply(.reconfigured(mtu: 1406, reason: "DTLS gave up"), at: 50)
        XCTAssertEqual(state.tunnel?.mtu, 1406)
        XCTAssertTrue(state.isReconfiguring(now: 51))
        XCTAssertFalse(state.isReconfiguring(now: 53.5))
    }

    func testAnUnchangedMTUIsNotShownAsReconfiguring() {
        var state = Fixtures.state(Fixtures.connecting)
        let mtu = state.tunnel?.mtu ?? 0
        let lines = state.log.count
        state.apply(.reconfigured(mtu: mtu, reason: "DTLS up"), at: 50)
        XCTAssertFalse(state.isReconfiguring(now: 51))
        XCTAssertEqual(state.log.count, lines)
    }

    func testReconnectKeepsTheSessionAndSaysWhatChanged() {
        var state = Fixtures.state(Fixtures.connected)
        state.apply(.channel(ChannelInfo(channel: .tls, state: .reconnecting, attempt: 1, nextInSeconds: 4,
                                         reason: "DPD timeout")), at: 2_000)
        XCTAssertEqual(state.status, .reconnecting)
        XCTAssertNil(state.carrier)
        XCTAssertEqual(state.tls?.secondsUntilNextAttempt(now: 2_001), 3)
        state.apply(.channel(ChannelInfo(channel: .tls, state: .up, protocolVersion: "TLSv1.3", cipher: "AES")), at: 2_005)
        state.apply(.reconnected(after: "DPD timeout", changed: ["mtu 1406 → 1400"]), at: 2_005)
        XCTAssertEqual(state.status, .connected)
        XCTAssertEqual(state.log.last?.text, "reconnected after DPD timeout; changed: mtu 1406 → 1400")
    }

    func testANewAttemptAfterTheEndStartsAFreshStrip() {
        var state = Fixtures.state(Fixtures.authenticating + [(4.0, .error(code: 5, message: "unreachable"))])
        state.apply(.phase(.tls, .started, milliseconds: nil, detail: []), at: 2_000)
        XCTAssertEqual(state.status, .connecting)
        XCTAssertEqual(state.phase(.tls).state, .started)
        XCTAssertNil(state.phase(.groupSelect).state)
        XCTAssertNil(state.certificate)
        XCTAssertNil(state.lastError)
    }

    func testLogIsCapped() {
        var state = AppState(logCapacity: 3)
        for index in 0..<10 { state.apply(.log("line \(index)"), at: Double(index)) }
        XCTAssertEqual(state.log.map(\.text), ["line 7", "line 8", "line 9"])
    }

    func testRefusedCertificateIsLogged() {
        var state = AppState()
        state.apply(.certificate(Fixtures.report, trusted: false, decision: .refused), at: 1)
        XCTAssertEqual(state.certificate?.trusted, false)
        XCTAssertEqual(state.log.last?.level, .error)
    }

    func testAHeldLoginIsShownUntilTheGatewayAnswersAndEscCancelsIt() {
        var model = Fixtures.model(Fixtures.authenticating + [(5.0, .waiting(.userAuth, elapsed: 2, timeout: 300))],
                                   screen: .phases)
        XCTAssertEqual(model.session.waiting?.elapsedSeconds(now: Fixtures.t0 + 13), 10)
        XCTAssertEqual(model.session.waiting?.timeoutSeconds, 300)
        XCTAssertEqual(model.handle(.escape, now: Fixtures.t0 + 13), .disconnect, "Esc gives up the held login")
        model.apply(.waiting(.userAuth, elapsed: 7, timeout: 300), at: Fixtures.t0 + 10)
        XCTAssertEqual(model.session.waiting?.since, Fixtures.t0 + 3, "a later report does not restart the count")
        model.apply(.phase(.userAuth, .done, milliseconds: 9000, detail: []), at: Fixtures.t0 + 12)
        XCTAssertNil(model.session.waiting, "the gateway answered")
        XCTAssertNotEqual(model.handle(.escape, now: Fixtures.t0 + 13), .disconnect, "Esc no longer cancels anything")
    }
}

/// Issue 13, item 1: the timeline says what a gateway's profile did to the saved gateways.
final class ProfileNoteTests: XCTestCase {
    private func note(_ saved: EventValue) -> Span {
        let state = Fixtures.state([(0, .phase(.download, .started, milliseconds: nil, detail: [])),
                                    (1, .phase(.download, .done, milliseconds: 40, detail: [("uri", "/p.xml"), ("saved", saved)]))])
        return PhaseNotes.note(state.phase(.download), session: state, now: Fixtures.t0 + 2, box: .ascii)
    }

    func testRefusedAndAddedEntriesAreCounted() {
        let span = note(.object([("added", .list(["Lab"])), ("changed", .list([])), ("removed", .list([])),
                                 ("refused", .list([.object([("name", "corp"), ("reason", "you saved a gateway with this name")])]))]))
        XCTAssertEqual(span.text, "profile /p.xml - 1 gateway(s) added - 1 gateway(s) refused")
        XCTAssertEqual(span.role, .statusWarn)
    }

    func testNothingSavedAfterOnceIsSaid() {
        XCTAssertEqual(note("no: the certificate was accepted once").text,
                       "profile /p.xml - nothing saved (the certificate was accepted once)")
    }

    func testSingleSignOnShowsUntilTheTokenComesAndEscGivesUp() {
        let started = SSOProgress(state: .started, mode: .embedded, loginURL: "https://vpn.example.com/sso", timeoutSeconds: 120)
        var model = Fixtures.model(Fixtures.authenticating + [(4.0, .sso(started))], screen: .phases)
        XCTAssertEqual(model.session.sso?.secondsLeft(now: Fixtures.t0 + 34), 90)
        XCTAssertNotNil(model.session.sso?.qrCode, "the URL as a QR code")
        XCTAssertEqual(model.handle(.character("q"), now: Fixtures.t0 + 34), .none, "the SSO box takes the keys")
        XCTAssertEqual(model.handle(.escape, now: Fixtures.t0 + 34), .disconnect, "Esc gives up the login")
        var done = started
        done.state = .done
        model.apply(.sso(done), at: Fixtures.t0 + 40)
        XCTAssertNil(model.session.sso)
    }
}
