@testable import Engine
import Foundation
import GatewayProtocol
import Glibc
import SecureChannel
import Synchronization
import XCTest

/// CONNECT goes on the login's connection when the gateway keeps it alive, and on a new one, once, when the kept
/// connection turns out closed (issue 12, item 4; openconnect cstp.c `start_cstp_connection` retries the same way).
final class KeptConnectionTests: XCTestCase {
    private actor Answers: FrontEnd {
        func chooseGroup(_ choice: GroupChoice) async -> FormOption? { choice.defaultOption }
        func fillForm(_ form: AuthForm) async -> [String: Secret]? { [:] }
        func decideTrust(_ question: TrustQuestion) async -> TrustDecision { .cancel }
    }

    func testAKeptConnectionClosedBeforeCONNECTIsReplacedOnce() async throws {
        signal(SIGPIPE, SIG_IGN)
        let gateway = try RefusedCookieGateway(dropAfterLogin: true)
        defer { gateway.stop() }
        let options = ConnectOptions(url: GatewayURL(host: "127.0.0.1", port: gateway.port),
                                     tls: TLSConfiguration(connectTimeoutSeconds: 5, ioTimeoutSeconds: 5), serverPins: [gateway.pin])
        let engine = ConnectionEngine(options: options, frontEnd: Answers())
        let drained = Task { for await _ in engine.events {} }
        var failure: EngineError?
        do {
            let session = try await engine.authenticate()
            _ = try await engine.runTunnel(session, settings: TunnelSettings(script: "/bin/true", offerDTLS: false,
                                                                             reconnectTimeoutSeconds: 5))
        } catch let error as EngineError {
            failure = error
        }
        await engine.finish()
        await drained.value
        // The gateway's 503 is the proof that CONNECT reached it, on the second connection.
        XCTAssertTrue(failure?.description.contains("reached on a new connection") ?? false, "\(String(describing: failure))")
        XCTAssertEqual(gateway.connections.withLock { $0 }, 2, "the login's connection and one new one")
        XCTAssertEqual(gateway.connects.withLock { $0 }, 1)
        XCTAssertEqual(gateway.logins.withLock { $0 }, 1)
    }

    func testTheLoginRunsOverTheConnectionOpenedAhead() async throws {
        let gateway = try RefusedCookieGateway()
        defer { gateway.stop() }
        var options = ConnectOptions(url: GatewayURL(host: "127.0.0.1", port: gateway.port),
                                     tls: TLSConfiguration(connectTimeoutSeconds: 5, ioTimeoutSeconds: 5), serverPins: [gateway.pin])
        options.preconnect = TCPPreconnect.start(host: "127.0.0.1", port: gateway.port, timeoutSeconds: 5)
        let engine = ConnectionEngine(options: options, frontEnd: Answers())
        let drained = Task { for await _ in engine.events {} }
        _ = try await engine.authenticate()
        await engine.finish()
        await drained.value
        XCTAssertEqual(gateway.logins.withLock { $0 }, 1)
        XCTAssertEqual(gateway.accepted.withLock { $0 }, 1, "one TCP connection: the one opened ahead carried the login")
        XCTAssertEqual(options.preconnect?.take(host: "127.0.0.1", port: gateway.port) == nil, true, "taken once")
    }

    func testAKeptConnectionIsRetriedOnlyWhenItWasClosed() {
        XCTAssertTrue(ConnectionEngine.worthRetryOnNewConnection(.closedBeforeResponse))
        XCTAssertTrue(ConnectionEngine.worthRetryOnNewConnection(.channel(.closed)))
        XCTAssertFalse(ConnectionEngine.worthRetryOnNewConnection(.channel(.timedOut("waiting"))))
        XCTAssertFalse(ConnectionEngine.worthRetryOnNewConnection(.cancelled("stopped")))
    }
}
