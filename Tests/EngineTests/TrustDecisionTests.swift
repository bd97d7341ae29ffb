@testable import Engine
import Foundation
import GatewayProtocol
import SecureChannel
import Synchronization
import XCTest

/// Issue 13, items 10 and 15: how saved pins are found and what they decide.
final class TrustDecisionTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        // The engine may drop a connection right after the handshake (a refusal), while HostileGateway's thread
        // still writes its TLS 1.3 session tickets: that write must fail with EPIPE, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
    }

    private final class Answers: FrontEnd {
        let decision: TrustDecision
        private let count = Mutex(0)
        init(_ decision: TrustDecision) { self.decision = decision }
        var questions: Int { count.withLock { $0 } }
        func chooseGroup(_ choice: GroupChoice) async -> FormOption? { nil }
        func fillForm(_ form: AuthForm) async -> [String: Secret]? { nil }
        func decideTrust(_ question: TrustQuestion) async -> TrustDecision {
            count.withLock { $0 += 1 }
            return decision
        }
    }

    /// TLS to a gateway that then stays silent: an attempt that got past the trust decision ends by timeout.
    private func attempt(host: String, store: MemorySessionStore, answers: Answers) async throws -> (EngineError, Int) {
        let gateway = try HostileGateway(.silence)
        defer { gateway.stop() }
        var tls = TLSConfiguration(connectTimeoutSeconds: 5, ioTimeoutSeconds: 1)
        tls.responseDeadlineSeconds = 2
        var options = ConnectOptions(url: GatewayURL(host: host, port: gateway.port), tls: tls)
        options.store = store
        let engine = ConnectionEngine(options: options, frontEnd: answers)
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
        let ended = try await outcome.value
        return (try XCTUnwrap(ended), gateway.port)
    }

    private static func pin(_ value: String, warning: Bool, reasons: [String] = ["self-signed certificate"]) -> StoredPin {
        StoredPin(pin: value, subject: "CN=localhost", issuer: "CN=localhost", notAfter: "", reasons: reasons, warning: warning)
    }

    func testAPinSavedForTheHostAppliesHoweverTheHostIsTyped() async throws {
        // The pin is saved under the canonical key; the URL says LocalHost. HostileGateway's certificate is
        // self-signed: only the pin can let the attempt past TLS (to the silence, a timeout).
        let store = MemorySessionStore()
        let answers = Answers(.cancel)
        let gateway = try HostileGateway(.silence)
        defer { gateway.stop() }
        try store.storeTrust(Self.pin(gateway.pin, warning: true), hostPort: "localhost:\(gateway.port)")
        var tls = TLSConfiguration(connectTimeoutSeconds: 5, ioTimeoutSeconds: 1)
        tls.responseDeadlineSeconds = 2
        var options = ConnectOptions(url: GatewayURL(host: "LocalHost", port: gateway.port), tls: tls)
        options.store = store
        let engine = ConnectionEngine(options: options, frontEnd: answers)
        var ended: EngineError?
        do { _ = try await engine.authenticate() } catch { ended = error }
        await engine.finish()
        XCTAssertEqual(store.askedKeys, ["localhost:\(gateway.port)"])
        XCTAssertEqual(answers.questions, 0, "the saved pin decided; nobody was asked")
        XCTAssertNotEqual(ended?.exitCode, 4, "past the certificate: \(String(describing: ended))")
    }

    func testAPinStoreThatCannotBeReadRefusesInsteadOfFallingBackToTheTrustStore() async throws {
        let answers = Answers(.always)
        let (error, _) = try await attempt(host: "127.0.0.1", store: MemorySessionStore(failReads: true), answers: answers)
        XCTAssertEqual(error.exitCode, 4, error.description)
        XCTAssertTrue(error.description.contains("cannot be read"), error.description)
        XCTAssertEqual(answers.questions, 0, "no decision is asked for without the saved pins")
    }

    // MARK: The policy

    private func report(pin: String, valid: Bool) -> CertificateReport {
        CertificateReport(host: "vpn.example.com", port: 443, subject: "CN=vpn", issuer: "CN=ca", notBefore: "", notAfter: "",
                          subjectAltNames: [], pin: pin, sha1: "AA", spkiSHA256Hex: "", spkiSHA1Hex: "",
                          reasons: valid ? [] : ["self-signed certificate"])
    }

    func testANewValidCertificateResolvesPinsAcceptedDespiteErrors() {
        let old = Self.pin("pin-sha256:old", warning: true)
        XCTAssertEqual(TrustPolicy.verdict(report: report(pin: "pin-sha256:new", valid: true), stored: [old], acceptedPins: []),
                       .warningsResolved([old]))
        let cleared = Self.pin("pin-sha256:old", warning: false)
        XCTAssertEqual(TrustPolicy.verdict(report: report(pin: "pin-sha256:new", valid: true), stored: [cleared], acceptedPins: []),
                       .warningsResolved([cleared]), "accepted despite errors that have since cleared: still a stand-in")
    }

    func testAPinnedGatewayPresentingAnotherCertificateIsStillAsked() {
        let old = Self.pin("pin-sha256:old", warning: true)
        XCTAssertEqual(TrustPolicy.verdict(report: report(pin: "pin-sha256:new", valid: false), stored: [old], acceptedPins: []),
                       .ask(pinnedBefore: [old]), "an invalid new certificate is a mismatch")
        let deliberate = Self.pin("pin-sha256:old", warning: false, reasons: [])
        XCTAssertEqual(TrustPolicy.verdict(report: report(pin: "pin-sha256:new", valid: true), stored: [deliberate], acceptedPins: []),
                       .ask(pinnedBefore: [deliberate]), "a pin chosen for a valid certificate restricts")
        XCTAssertEqual(TrustPolicy.verdict(report: report(pin: "pin-sha256:old", valid: false), stored: [old], acceptedPins: []),
                       .storedPin(old))
        XCTAssertEqual(TrustPolicy.verdict(report: report(pin: "pin-sha256:x", valid: true), stored: [], acceptedPins: []), .valid)
    }
}
