@testable import Engine
import Foundation
import Glibc
import GatewayProtocol
import Synchronization
import XCTest

/// The external-browser SSO listener against real HTTP clients on a kernel-chosen port (never 29786 here, so tests
/// and a real login on the same machine do not collide).
final class SSOCallbackListenerTests: XCTestCase {
    let blob = SSOCallbackBlob(gatewayPublicKey: Array(repeating: 0x30, count: 91), tag: Array(0..<12),
                               ciphertext: Array("token123".utf8), iv: Array(0..<12)).base64

    /// Runs `waitForBlob` on its own thread; `result` waits for its outcome with a deadline.
    final class Waiter: @unchecked Sendable {
        let outcome = Mutex<Result<String, EngineError>?>(nil)
        let done = DispatchSemaphore(value: 0)

        init(_ listener: SSOCallbackListener, timeoutSeconds: Int = 20, cancelled: @escaping @Sendable () -> Bool = { false }) {
            Thread.detachNewThread { [self] in
                let result: Result<String, EngineError>
                do throws(EngineError) { result = .success(try listener.waitForBlob(timeoutSeconds: timeoutSeconds, cancelled: cancelled)) }
                catch { result = .failure(error) }
                outcome.withLock { $0 = result }
                done.signal()
            }
        }

        func result(within seconds: Double = 10) throws -> Result<String, EngineError> {
            guard done.wait(timeout: .now() + seconds) == .success, let result = outcome.withLock({ $0 }) else {
                throw LabFailure("waitForBlob did not return within \(seconds) s")
            }
            return result
        }

        var isFinished: Bool { outcome.withLock { $0 != nil } }
    }

    func testOneCallbackGetsA302ToTheReturnURLAndOtherPathsA404() throws {
        let listener = try SSOCallbackListener(port: 0)
        XCTAssertNotEqual(listener.port, SSOCallbackListener.defaultPort)
        XCTAssertEqual(listener.boundAddresses.first, "127.0.0.1")
        let waiter = Waiter(listener)

        let favicon = try LoopbackHTTPClient.get("/favicon.ico", port: listener.port)
        XCTAssertTrue(favicon.hasPrefix("HTTP/1.1 404 Not Found\r\n"), favicon)
        let root = try LoopbackHTTPClient.get("/", port: listener.port)
        XCTAssertTrue(root.hasPrefix("HTTP/1.1 404"), root)
        let garbage = try LoopbackHTTPClient.get("/api/sso/not-a-blob!", port: listener.port)
        XCTAssertTrue(garbage.hasPrefix("HTTP/1.1 404"), garbage)
        let post = try LoopbackHTTPClient.send("POST /api/sso/\(blob) HTTP/1.1\r\nContent-Length: 0\r\n\r\n", port: listener.port)
        XCTAssertTrue(post.hasPrefix("HTTP/1.1 404"), post)
        XCTAssertFalse(waiter.isFinished, "stray requests do not end the wait")

        // The real callback, through curl as a browser would send it.
        let escaped = blob.replacingOccurrences(of: "+", with: "%2B").replacingOccurrences(of: "/", with: "%2F")
        let output = try curl(["-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                               "http://127.0.0.1:\(listener.port)/api/sso/\(escaped)?return=https%3A%2F%2Fvpn.example%2Fdone"])
        XCTAssertEqual(output, "302 https://vpn.example/done")
        XCTAssertEqual(try waiter.result().get(), blob)

        // One-shot: nothing listens any more.
        XCTAssertThrowsError(try LoopbackHTTPClient.connect(host: "127.0.0.1", port: listener.port)) {
            XCTAssertTrue("\($0)".contains("refused"), "\($0)")
        }
        XCTAssertThrowsError(try listener.waitForBlob(timeoutSeconds: 1, cancelled: { false })) {
            guard case .usage? = $0 as? EngineError else { return XCTFail("\($0)") }
        }
    }

    func testIPv6LoopbackIsServedAndAMissingReturnGetsTheClosePage() throws {
        let listener = try SSOCallbackListener(port: 0)
        guard listener.boundAddresses.contains("::1") else {
            throw XCTSkip("this host has no IPv6 loopback; the listener correctly bound \(listener.boundAddresses) only")
        }
        let waiter = Waiter(listener)
        let response = try LoopbackHTTPClient.get("/api/sso/\(blob)", host: "::1", port: listener.port)
        XCTAssertTrue(response.hasPrefix("HTTP/1.1 200 OK\r\n"), response)
        XCTAssertTrue(response.contains("You can close this window."), response)
        XCTAssertEqual(try waiter.result().get(), blob)
    }

    func testABadReturnURLIsNotFollowed() throws {
        let listener = try SSOCallbackListener(port: 0)
        let waiter = Waiter(listener)
        let response = try LoopbackHTTPClient.get("/api/sso/\(blob)?return=javascript%3Aalert(1)", port: listener.port)
        XCTAssertTrue(response.hasPrefix("HTTP/1.1 200 OK\r\n"), response)
        XCTAssertFalse(response.contains("Location"), response)
        XCTAssertEqual(try waiter.result().get(), blob)
    }

    func testTheDeadlineEndsTheWaitWithAnErrorNamingThePort() throws {
        let listener = try SSOCallbackListener(port: 0)
        let started = ContinuousClock.now
        XCTAssertThrowsError(try listener.waitForBlob(timeoutSeconds: 1, cancelled: { false })) { error in
            guard case .failed(.userAuth, let text)? = error as? EngineError else { return XCTFail("\(error)") }
            XCTAssertTrue(text.contains("port \(listener.port)"), text)
            XCTAssertTrue(text.contains("ssh -L"), text)
        }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(3))
    }

    func testAStalledConnectionHoldsUpNeitherOtherRequestsNorACancel() throws {
        let listener = try SSOCallbackListener(port: 0)
        let flag = Mutex(false)
        let waiter = Waiter(listener, timeoutSeconds: 60, cancelled: { flag.withLock { $0 } })
        // Connections that never finish their request (a browser's spare preconnects, a slow client)...
        let stalled = try (0..<3).map { _ in try LoopbackHTTPClient.connect(host: "127.0.0.1", port: listener.port) }
        defer { stalled.forEach { close($0) } }
        _ = Glibc.send(stalled[0], "GET /api/sso/", 13, Int32(MSG_NOSIGNAL))
        // ...do not delay another request's answer (each would otherwise hold the listener for seconds)...
        let started = ContinuousClock.now
        XCTAssertTrue(try LoopbackHTTPClient.get("/other", port: listener.port).hasPrefix("HTTP/1.1 404"))
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(1))
        XCTAssertFalse(waiter.isFinished)
        // ...nor a cancel, seen within a second.
        let cancelledAt = ContinuousClock.now
        flag.withLock { $0 = true }
        guard case .failure(.cancelled) = try waiter.result(within: 5) else { return XCTFail("not cancelled") }
        XCTAssertLessThan(ContinuousClock.now - cancelledAt, .seconds(1))
    }

    func testAnOversizedRequestIsRefusedAndTheWaitGoesOn() throws {
        let listener = try SSOCallbackListener(port: 0)
        let waiter = Waiter(listener)
        let huge = "GET /api/sso/" + String(repeating: "A", count: SSOCallbackConnection.headLimit + 10) + " HTTP/1.1\r\n\r\n"
        XCTAssertTrue(try LoopbackHTTPClient.send(huge, port: listener.port).hasPrefix("HTTP/1.1 404"))
        XCTAssertFalse(waiter.isFinished)
        XCTAssertTrue(try LoopbackHTTPClient.get("/api/sso/\(blob)?return=http://127.0.0.1:1/ok", port: listener.port)
            .contains("Location: http://127.0.0.1:1/ok\r\n"))
        XCTAssertEqual(try waiter.result().get(), blob)
    }

    func testCloseFromAnotherThreadEndsTheWait() throws {
        let listener = try SSOCallbackListener(port: 0)
        let waiter = Waiter(listener, timeoutSeconds: 60)
        // Proves the wait is running: a request is answered before close.
        XCTAssertTrue(try LoopbackHTTPClient.get("/x", port: listener.port).hasPrefix("HTTP/1.1 404"))
        listener.close()
        guard case .failure(.cancelled) = try waiter.result(within: 5) else { return XCTFail("not cancelled") }
        XCTAssertThrowsError(try LoopbackHTTPClient.connect(host: "127.0.0.1", port: listener.port))
    }

    func testAPortInUseIsAClearErrorNamingIt() throws {
        let first = try SSOCallbackListener(port: 0)
        XCTAssertThrowsError(try SSOCallbackListener(port: first.port)) { error in
            guard case .failed(.userAuth, let text)? = error as? EngineError else { return XCTFail("\(error)") }
            XCTAssertTrue(text.contains("port \(first.port)"), text)
            XCTAssertTrue(text.contains("already in use"), text)
        }
        first.close()
        // Once closed, the port is free for the next login attempt.
        XCTAssertNoThrow(try SSOCallbackListener(port: first.port).close())
    }

    func testNonLoopbackBindsAreRefusedAndNothingListensOnTheNetwork() throws {
        for address in ["0.0.0.0", "::", "192.0.2.1", "10.0.0.1", "fe80::1", "localhost", ""] {
            XCTAssertThrowsError(try SSOCallbackListener(port: 0, addresses: [address]), address) { error in
                guard case .usage(let text)? = error as? EngineError else { return XCTFail("\(address): \(error)") }
                XCTAssertTrue(text.contains("loopback"), text)
            }
        }
        XCTAssertThrowsError(try SSOCallbackListener(port: 0, addresses: ["127.0.0.1", "0.0.0.0"]))
        XCTAssertThrowsError(try SSOCallbackListener(port: 70000))
        XCTAssertEqual(try SSOCallbackListener(port: 0, addresses: ["127.0.0.2"]).boundAddresses, ["127.0.0.2"])

        let listener = try SSOCallbackListener(port: 0)
        XCTAssertTrue(listener.boundAddresses.allSatisfy { $0 == "127.0.0.1" || $0 == "::1" }, "\(listener.boundAddresses)")
        if let external = LoopbackHTTPClient.nonLoopbackIPv4() {
            XCTAssertThrowsError(try LoopbackHTTPClient.connect(host: external, port: listener.port), external)
        }
    }

    private func curl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["--max-time", "10"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
