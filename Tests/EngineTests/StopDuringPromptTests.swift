@testable import Engine
import Foundation
import GatewayProtocol
import SecureChannel
import XCTest

/// SIGTERM (a stop) ends an attempt while a prompt is open (issue 13, item 13): the engine does not wait for
/// the person's answer.
final class StopDuringPromptTests: XCTestCase {
    /// A front end that never answers, and says when it was asked.
    private final class Silent: FrontEnd, @unchecked Sendable {
        let asked: XCTestExpectation
        init(asked: XCTestExpectation) { self.asked = asked }
        func chooseGroup(_ choice: GroupChoice) async -> FormOption? { await never() }
        func fillForm(_ form: AuthForm) async -> [String: Secret]? {
            asked.fulfill()
            return await never()
        }
        func decideTrust(_ question: TrustQuestion) async -> TrustDecision { await never() ?? .cancel }
        private func never<T>() async -> T? {
            await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }  // leaks by design
            return nil
        }
    }

    func testAStopWhileThePassphraseIsAskedEndsTheAttempt() async throws {
        let directory = NSTemporaryDirectory() + "swiftgate-stop-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-passout", "pass:pw",
                             "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem", "-days", "1", "-subj", "/CN=me"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)

        var options = ConnectOptions(url: GatewayURL(host: "127.0.0.1", port: 1))
        options.clientCertificate = directory + "/cert.pem"
        options.clientKey = directory + "/key.pem"
        let asked = expectation(description: "the passphrase is asked")
        let engine = ConnectionEngine(options: options, frontEnd: Silent(asked: asked))
        let ended = expectation(description: "the attempt ends")
        let outcome = Task { () -> EngineError? in
            defer { ended.fulfill() }
            do { _ = try await engine.authenticate(); return nil } catch let error as EngineError { return error }
        }
        await fulfillment(of: [asked], timeout: 10)
        _ = await engine.requestStop(hangup: false)
        await fulfillment(of: [ended], timeout: 10)
        let error = try await outcome.value
        guard case .cancelled? = error else { return XCTFail("\(String(describing: error))") }
        await engine.finish()
    }
}
