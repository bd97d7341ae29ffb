@testable import Engine
import Foundation
import GatewayProtocol
import Glibc
import SecureChannel
import Synchronization
import XCTest

/// A cookie refused right after a fresh login ends the session with exit 3 and the gateway's words, instead of
/// logging in again forever (issue 13, item 12); and the reconnect after a tunnel that died at once backs off.
final class RefusedCookieTests: XCTestCase {
    private actor Answers: FrontEnd {
        func chooseGroup(_ choice: GroupChoice) async -> FormOption? { choice.defaultOption }
        func fillForm(_ form: AuthForm) async -> [String: Secret]? { [:] }
        func decideTrust(_ question: TrustQuestion) async -> TrustDecision { .cancel }
    }

    func testACookieRefusedAfterAFreshLoginEndsWithExit3() async throws {
        guard geteuid() == 0 else { throw XCTSkip("needs root for a tun device (the lab tests run as root)") }
        signal(SIGPIPE, SIG_IGN)
        let gateway = try RefusedCookieGateway()
        defer { gateway.stop() }
        let options = ConnectOptions(url: GatewayURL(host: "127.0.0.1", port: gateway.port),
                                     tls: TLSConfiguration(connectTimeoutSeconds: 5, ioTimeoutSeconds: 5), serverPins: [gateway.pin])
        let engine = ConnectionEngine(options: options, frontEnd: Answers())
        let events = Task { () -> [EngineEvent] in
            var all: [EngineEvent] = []
            for await event in engine.events { all.append(event) }
            return all
        }
        let ended = expectation(description: "the session ends")
        let outcome = Task { () -> EngineError? in
            defer { ended.fulfill() }
            do {
                let session = try await engine.authenticate()
                _ = try await engine.runTunnel(session, settings: TunnelSettings(script: "/bin/true", offerDTLS: false,
                                                                                 reconnectTimeoutSeconds: 60))
                return nil
            } catch let error as EngineError {
                return error
            }
        }
        await fulfillment(of: [ended], timeout: 30)
        await engine.finish()
        let error = try await outcome.value
        XCTAssertEqual(error?.exitCode, 3, "\(String(describing: error))")
        XCTAssertTrue(error?.description.contains("this client is not welcome") ?? false, "the gateway's words: \(String(describing: error))")
        XCTAssertEqual(gateway.logins.withLock { $0 }, 2, "the first login and one fresh login, no more")
        XCTAssertEqual(gateway.connects.withLock { $0 }, 4, "up, dropped, back at once, dropped, refused, refused")
        let backoff = await events.value.contains {
            if case .channel(let info) = $0, info.state == .reconnecting, info.attempt == 0, info.nextInSeconds == 1 { return true }
            return false
        }
        XCTAssertTrue(backoff, "the tunnel that came back and died at once was not retried at once")
    }
}
