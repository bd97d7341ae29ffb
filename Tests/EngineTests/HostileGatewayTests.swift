@testable import Engine
import Foundation
import Glibc
import GatewayProtocol
import SecureChannel
import XCTest

/// A gateway that misbehaves on purpose: Swiftgate must end each case with a clear error in bounded time and
/// bounded memory (issue: hostile gateways). Deadlines come from XCTest's expectations, never from sleeps.
final class HostileGatewayTests: XCTestCase {
    private actor Answers: FrontEnd {
        func chooseGroup(_ choice: GroupChoice) async -> FormOption? { choice.defaultOption }
        func fillForm(_ form: AuthForm) async -> [String: Secret]? {
            Dictionary(uniqueKeysWithValues: form.questions.map { ($0.name, Secret("x")) })
        }
        func decideTrust(_ question: TrustQuestion) async -> TrustDecision { .cancel }
    }

    private func authenticate(against behavior: HostileGateway.Behavior) async throws -> EngineError {
        let gateway = try HostileGateway(behavior)
        defer { gateway.stop() }
        var tls = TLSConfiguration(connectTimeoutSeconds: 5, ioTimeoutSeconds: 2)
        tls.responseDeadlineSeconds = 4
        let engine = ConnectionEngine(options: ConnectOptions(url: GatewayURL(host: "127.0.0.1", port: gateway.port), tls: tls,
                                                              serverPins: [gateway.pin]), frontEnd: Answers())
        let finished = expectation(description: "the attempt ends")
        let outcome = Task { () -> EngineError? in
            defer { finished.fulfill() }
            do {
                _ = try await engine.authenticate()
                return nil
            } catch let error as EngineError {
                return error
            }
        }
        await fulfillment(of: [finished], timeout: 30)
        await engine.finish()
        let error = try await outcome.value
        return try XCTUnwrap(error, "a hostile gateway must not authenticate")
    }

    func testOversizedHeaders() async throws {
        let error = try await authenticate(against: .oversizedHeaders)
        XCTAssertEqual(error.exitCode, 6)
        XCTAssertTrue(error.description.contains("HTTP headers exceed 262144 bytes"), error.description)
    }

    /// `--allow-insecure-crypto` is never silent: a warning event before the first connection.
    func testInsecureCryptoIsAWarningEvent() async throws {
        let gateway = try HostileGateway(.silence)
        defer { gateway.stop() }
        var tls = TLSConfiguration(connectTimeoutSeconds: 5, ioTimeoutSeconds: 1)
        tls.responseDeadlineSeconds = 2
        tls.allowInsecureCrypto = true
        let engine = ConnectionEngine(options: ConnectOptions(url: GatewayURL(host: "127.0.0.1", port: gateway.port), tls: tls,
                                                              serverPins: [gateway.pin]), frontEnd: Answers())
        let collected = Task { () -> [EngineEvent] in
            var events: [EngineEvent] = []
            for await event in engine.events { events.append(event) }
            return events
        }
        _ = try? await engine.authenticate()
        await engine.finish()
        let events = await collected.value
        let warnings = events.compactMap { if case .warning(let text, _) = $0 { text } else { nil } }
        XCTAssertEqual(warnings, [TLSConfiguration.insecureCryptoWarning])
        XCTAssertEqual(events.first, .warning(TLSConfiguration.insecureCryptoWarning, detail: []), "before the tls phase starts")
    }

    func testEndlessChunkedBody() async throws {
        let error = try await authenticate(against: .endlessChunkedBody)
        XCTAssertEqual(error.exitCode, 6)
        XCTAssertTrue(error.description.contains("HTTP body exceeds 1048576 bytes"), error.description)
    }

    func testBytesOneAtATimeHitTheResponseDeadline() async throws {
        let error = try await authenticate(against: .byteAtATime)
        XCTAssertEqual(error.exitCode, 5)
        XCTAssertTrue(error.description.contains("waiting for a complete reply"), error.description)
    }

    func testSilenceTimesOut() async throws {
        let error = try await authenticate(against: .silence)
        XCTAssertEqual(error.exitCode, 5)
        XCTAssertTrue(error.description.contains("timed out"), error.description)
    }

    // MARK: - The data plane against broken CSTP framing

    private func runDataPlane(against bytes: [UInt8], dpd: Int? = nil, dpdPayload: [UInt8]? = nil) async throws -> DataPlane.EndReason {
        let gateway = try HostileGateway(dpdPayload.map { .dpdProbe($0) } ?? .cstpFrame(bytes))
        defer { gateway.stop() }
        let client = try TLSClient.connect(host: "127.0.0.1", port: gateway.port,
                                           configuration: TLSConfiguration(connectTimeoutSeconds: 5, ioTimeoutSeconds: 5))
        defer { client.close() }
        var pair: [Int32] = [0, 0]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0, &pair), 0)
        defer { close(pair[1]) }
        let tun = TunDevice(descriptor: pair[0], name: "test0")
        let plane = DataPlane(tls: client, tun: tun, initialBytes: [], dpd: dpd, keepalive: nil, statsInterval: 60,
                              dtls: nil, mtu: TunnelMTUPolicy(cstpMTU: 1400, dtlsOffered: false, xDTLSMTU: nil), tunMTU: 1400, rekeyAfter: nil,
                              onStats: { _, _ in }, onChannel: { _ in }, onReconfigured: { _, _ in }, onLog: { _ in })
        let finished = expectation(description: "the data plane ends")
        let end = Task { () -> DataPlane.EndReason in
            defer { finished.fulfill() }
            return await plane.run()
        }
        await fulfillment(of: [finished], timeout: 30)
        return await end.value
    }

    func testACSTPLengthNoPacketCanHaveEndsTheSession() async throws {
        let end = try await runDataPlane(against: [0x53, 0x54, 0x46, 0x01, 0x40, 0x01, 0x00, 0x00])
        XCTAssertEqual(end, .protocolError(CSTPFrameError.tooLong(16385).description))
    }

    func testA64KBDataFrameIsRefusedFromItsHeader() async throws {
        let frame = [0x53, 0x54, 0x46, 0x01, 0xff, 0xff, 0x00, 0x00] + [UInt8](repeating: 0x45, count: 65535)
        let end = try await runDataPlane(against: frame)
        XCTAssertEqual(end, .protocolError(CSTPFrameError.tooLong(65535).description))
    }

    func testALengthThatPromisesMoreThanComesEndsByDeadPeerDetection() async throws {
        // 100 bytes announced, 10 sent, then nothing: with DPD 1 s the gateway is declared dead after 2 s.
        let end = try await runDataPlane(against: [0x53, 0x54, 0x46, 0x01, 0x00, 0x64, 0x00, 0x00] + [UInt8](repeating: 1, count: 10),
                                         dpd: 1)
        XCTAssertEqual(end, .peerDead(seconds: 2))
    }

    func testTheGatewaysDPDRequestIsAnsweredWithItsOwnPayload() async throws {
        // protocol.md §3.4: the response is type 0x04 with the request's payload, echoed.
        let end = try await runDataPlane(against: [], dpdPayload: Array("probe-1434".utf8))
        guard case .serverDisconnect(let text) = end else { return XCTFail("\(end)") }
        XCTAssertTrue(text.hasPrefix("answered"), "the gateway saw its payload echoed: \(text)")
    }

    func testBadMagicEndsTheSession() async throws {
        let end = try await runDataPlane(against: Array("HTTP/1.1 500 Oops\r\n\r\n".utf8))
        guard case .protocolError(let reason) = end else { return XCTFail("\(end)") }
        XCTAssertTrue(reason.contains("STF magic"), reason)
    }

    func testADisconnectReasonReachesNobodyWithControlCharacters() async throws {
        // issue 13 item 6: the DISCONNECT's text goes into events, the history and the terminal.
        let text = Array("bye\u{1b}[2J\r\nnow".utf8)
        let frame: [UInt8] = [0x53, 0x54, 0x46, 0x01, 0x00, UInt8(text.count + 1), 0x05, 0x00, 0xb0] + text
        let end = try await runDataPlane(against: frame)
        XCTAssertEqual(end, .serverDisconnect("bye[2Jnow"))
    }
}
