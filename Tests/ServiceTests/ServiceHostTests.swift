import Foundation
import Glibc
import Logging
import Engine
import XCTest
@testable import Service

/// The service's front door on a real socket (no tunnel: nothing here needs root).
final class ServiceHostTests: XCTestCase {
    private var directory = ""
    private var listener: ServiceListener?

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "swiftgate-service-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let listener = try ServiceListener.open(path: directory + "/sock", environment: [:])
        self.listener = listener
        let configuration = ServiceConfiguration(policy: AdmissionPolicy(), runtimeDirectory: directory,
                                                 logger: Logger(label: "test"), makeLogger: { _, _ in Logger(label: "test") })
        let host = ServiceHost(listener: listener, configuration: configuration)
        Thread.detachNewThread { host.run() }
    }

    override func tearDown() {
        listener?.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private var path: String { directory + "/sock" }

    func testAFrontEndOfAnotherVersionIsToldSo() throws {
        let socket = try MessageSocket.connect(path: path)
        defer { socket.close() }
        try socket.send(ClientMessage.hello(version: ServiceProtocol.version + 1, program: "swiftgate 9"))
        guard case .refused(let text)? = try socket.receive(ServiceMessage.self) else { return XCTFail("not refused") }
        XCTAssertTrue(text.contains("speaks version \(ServiceProtocol.version + 1)"), text)
        XCTAssertTrue(text.contains("restart the service"), text)
        XCTAssertNil(try? socket.receive(ServiceMessage.self), "the socket closes after the refusal")
    }

    func testTheFirstMessageMustBeHello() throws {
        let socket = try MessageSocket.connect(path: path)
        defer { socket.close() }
        try socket.send(ClientMessage.status)
        guard case .refused(let text)? = try socket.receive(ServiceMessage.self) else { return XCTFail("not refused") }
        XCTAssertTrue(text.contains("hello"), text)
    }

    /// This process's own user is admitted only if root (the policy names nobody else).
    func testAdmissionFollowsThePolicy() throws {
        do {
            let client = try ServiceClient.open(path: path, program: "test")
            defer { client.close() }
            XCTAssertEqual(getuid(), 0, "only root is admitted by an empty policy")
            XCTAssertEqual(try client.status(), [])
            XCTAssertThrowsError(try client.request(.attach(name: "nope")) { _ in () }) { error in
                XCTAssertEqual(error as? ServiceError, .rejected("no connection named nope (none is up)"))
            }
            XCTAssertThrowsError(try client.request(.disconnect(name: nil)) { _ in () }) { error in
                XCTAssertEqual(error as? ServiceError, .rejected("no connection is up"))
            }
            XCTAssertThrowsError(try client.request(.connect(ConnectRequest(name: "x", url: "ftp://nope", settings: .init()))) { _ in () })
        } catch ServiceError.refused(let text) {
            XCTAssertNotEqual(getuid(), 0)
            XCTAssertTrue(text.contains("uid \(getuid()) may not use this service"), text)
        }
    }

    func testASecondServiceOnTheSameSocketIsRefused() {
        XCTAssertThrowsError(try ServiceListener.open(path: path, environment: [:])) { error in
            XCTAssertTrue("\(error)".contains("already listens"), "\(error)")
        }
    }

    func testNothingListeningSaysHowToStartIt() {
        XCTAssertThrowsError(try ServiceClient.open(path: directory + "/none", program: "test")) { error in
            XCTAssertTrue("\(error)".contains("sudo swiftgate service"), "\(error)")
        }
    }
}
