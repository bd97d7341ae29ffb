@testable import Engine
import Foundation
import Glibc
import GatewayProtocol
import SecureChannel
import Synchronization
import XCTest

/// The client certificate goes only to a gateway whose certificate is trusted (issue 13, item 8).
final class ClientCertificateTrustTests: XCTestCase {
    private actor Decides: FrontEnd {
        let decision: TrustDecision
        private(set) var asked = 0
        init(_ decision: TrustDecision) { self.decision = decision }
        func chooseGroup(_ choice: GroupChoice) async -> FormOption? { choice.defaultOption }
        func fillForm(_ form: AuthForm) async -> [String: Secret]? { nil }
        func decideTrust(_ question: TrustQuestion) async -> TrustDecision {
            asked += 1
            return decision
        }
    }

    override func setUp() {
        super.setUp()
        signal(SIGPIPE, SIG_IGN)  // the hostile gateway writes to connections the client dropped
    }

    private func identityFiles() throws -> (certificate: String, key: String) {
        let directory = NSTemporaryDirectory() + "swiftgate-identity-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                             "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem", "-days", "1", "-subj", "/CN=client"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        return (directory + "/cert.pem", directory + "/key.pem")
    }

    private func attempt(_ decision: TrustDecision) async throws -> (error: EngineError?, received: Int, asked: Int) {
        let gateway = try HostileGateway(.oversizedHeaders, requestClientCertificate: true)
        defer { gateway.stop() }
        let files = try identityFiles()
        let before = clientCertificatesReceived.withLock { $0 }
        var options = ConnectOptions(url: GatewayURL(host: "127.0.0.1", port: gateway.port),
                                     tls: TLSConfiguration(useSystemTrust: false, connectTimeoutSeconds: 5, ioTimeoutSeconds: 5))
        options.clientCertificate = files.certificate
        options.clientKey = files.key
        let frontEnd = Decides(decision)
        let engine = ConnectionEngine(options: options, frontEnd: frontEnd)
        let ended = expectation(description: "the attempt ends")
        let outcome = Task { () -> EngineError? in
            defer { ended.fulfill() }
            do { _ = try await engine.authenticate(); return nil } catch let error as EngineError { return error }
        }
        await fulfillment(of: [ended], timeout: 30)
        await engine.finish()
        let error = try await outcome.value
        return (error, clientCertificatesReceived.withLock { $0 } - before, await frontEnd.asked)
    }

    func testAnUntrustedGatewayNeverSeesTheClientCertificate() async throws {
        let (error, received, asked) = try await attempt(.cancel)
        XCTAssertEqual(error?.exitCode, 4, "\(String(describing: error))")
        XCTAssertEqual(asked, 1)
        XCTAssertEqual(received, 0, "the client certificate went to a gateway nobody trusted")
    }

    func testOnceTrustedTheCertificateIsPresented() async throws {
        let (error, received, asked) = try await attempt(.once)
        XCTAssertEqual(error?.exitCode, 6, "the hostile gateway's oversized headers: \(String(describing: error))")
        XCTAssertEqual(asked, 1, "asked once, not again on the second handshake")
        XCTAssertGreaterThan(received, 0, "presented on the handshake after the decision")
    }
}
