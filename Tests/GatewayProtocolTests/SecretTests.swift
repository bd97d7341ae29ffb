@testable import GatewayProtocol
import XCTest

/// Secrets never print and their buffer is wiped (issue 13, item 14).
final class SecretTests: XCTestCase {
    func testASecretRedactsItselfAndRoundTrips() {
        let secret = Secret("hunter2")
        XCTAssertEqual("\(secret)", "<redacted>")
        XCTAssertEqual(String(reflecting: secret), "<redacted>")
        XCTAssertEqual(secret.reveal(), "hunter2")
        XCTAssertEqual(secret, Secret("hunter2"))
        XCTAssertNotEqual(secret, Secret("hunter3"))
        XCTAssertTrue(Secret("").isEmpty)
    }

    func testTheBufferIsItsOwnAndWipeZeroesIt() {
        let storage = Secret.Storage("correct horse")
        XCTAssertEqual(storage.bytes, Array("correct horse".utf8))
        storage.wipeForTesting()
        XCTAssertEqual(storage.bytes, Array(repeating: 0, count: 13), "every byte zeroed, in place")
    }

    func testACopySharesTheBufferAndKeepsItAlive() {
        var secret: Secret? = Secret(String(repeating: "S", count: 64))
        let copy = secret
        XCTAssertTrue(copy!.storage === secret!.storage, "one buffer, wiped once when the last copy goes")
        secret = nil
        XCTAssertEqual(copy?.reveal(), String(repeating: "S", count: 64))
    }
}
