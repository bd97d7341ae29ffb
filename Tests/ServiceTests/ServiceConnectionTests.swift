import Foundation
import Glibc
import XCTest
@testable import Engine
import GatewayProtocol
@testable import Service

/// Questions and replays of one connection, with front ends on socket pairs.
final class ServiceConnectionTests: XCTestCase {
    private func connection(wait: Double = 60) -> ServiceConnection {
        ServiceConnection(name: "work", gatewayKey: "vpn:443", owner: getuid(),
                          request: ConnectRequest(name: "work", url: "https://vpn/", settings: TunnelSettings()),
                          filesDirectory: nil, promptWaitSeconds: wait, ids: IDSource())
    }

    private func frontEnd(id: Int) -> (ClientLink, MessageSocket) {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds), 0)
        let link = ClientLink(socket: MessageSocket(descriptor: fds[0]),
                              peer: PeerCredentials(pid: getpid(), uid: getuid(), gid: getgid()), id: id)
        return (link, MessageSocket(descriptor: fds[1]))
    }

    private func next(_ socket: MessageSocket) throws -> ServiceMessage? { try socket.receive(ServiceMessage.self) }

    /// With no front end attached, a question gives up after the bounded wait and says why.
    func testAQuestionWithNobodyAttachedGivesUpAndSaysWhy() async throws {
        let connection = connection(wait: 0.2)
        let answer = await connection.ask(.form(AuthForm(fields: [FormField(kind: .password, name: "password", label: "P")])))
        XCTAssertNil(answer)
        let (link, other) = frontEnd(id: 1)
        defer { link.socket.close(); other.close() }
        connection.attach(link)
        guard case .attached? = try next(other) else { return XCTFail("no attached") }
        guard case .event(_, .warning(let text, _))? = try next(other) else { return XCTFail("no warning replayed") }
        XCTAssertTrue(text.contains("no front end attached to answer the login form within 0 s"), text)
        XCTAssertTrue(text.contains("swiftgate attach work"), text)
    }

    /// A front end attaching later gets the story so far, then the open question; its answer is the engine's.
    func testALateFrontEndGetsTheHistoryThenTheQuestion() async throws {
        let connection = connection()
        connection.record(.phase(.tls, .done, milliseconds: 4, detail: []))
        let asked = Task { await connection.ask(.trust(TrustQuestion(report: WireCodingTests.report))) }
        while connection.status.waitingFor == nil { await Task.yield() }
        XCTAssertEqual(connection.status.waitingFor, "the certificate question")
        let (link, other) = frontEnd(id: 1)
        defer { link.socket.close(); other.close() }
        connection.attach(link)
        guard case .attached(_, let status)? = try next(other) else { return XCTFail("no attached") }
        XCTAssertEqual(status.attached, 1)
        XCTAssertEqual(try next(other), .event(name: "work", .phase(.tls, .done, milliseconds: 4, detail: [])))
        guard case .prompt(_, let id, .trust)? = try next(other) else { return XCTFail("no prompt") }
        XCTAssertFalse(connection.answer(id, .trust(.once), from: 99), "a front end not attached cannot answer")
        XCTAssertTrue(connection.answer(id, .trust(.once), from: 1))
        let answer = await asked.value
        XCTAssertEqual(answer, .trust(.once))
        XCTAssertEqual(try next(other), .promptClosed(id: id))
        XCTAssertFalse(connection.answer(id, .trust(.always), from: 1), "answered once only")
    }

    /// The end answers every open question, tells the front ends, and no later question waits.
    func testTheEndClosesEverything() async throws {
        let connection = connection()
        let (link, other) = frontEnd(id: 1)
        defer { link.socket.close(); other.close() }
        connection.attach(link)
        _ = try next(other)
        let asked = Task { await connection.ask(.group(GroupChoice(label: "G", options: [], defaultOption: nil, message: nil))) }
        guard case .prompt? = try next(other) else { return XCTFail("no prompt") }
        connection.end(outcome: "ended: lost", failed: true, exitCode: 1)
        let answer = await asked.value
        XCTAssertNil(answer)
        XCTAssertEqual(try next(other), .ended(name: "work", outcome: "ended: lost", failed: true, exitCode: 1))
        let late = await connection.ask(.identity(caNames: []))
        XCTAssertNil(late)
        XCTAssertEqual(connection.status.state, .ended)
    }

    /// Store calls go to the owner's front end and come back; with nobody attached they fail at once.
    func testStoreCallsReachTheOwnersFrontEnd() throws {
        let connection = connection()
        XCTAssertNil(connection.store(.profileSHA1(hostPort: "vpn:443"), timeoutSeconds: 0.1))
        let (link, other) = frontEnd(id: 1)
        defer { link.socket.close(); other.close() }
        connection.attach(link)
        _ = try next(other)
        Thread.detachNewThread {
            guard case .store(_, let id, .profileSHA1(let key))? = try? other.receive(ServiceMessage.self) else { return }
            connection.storeReply(id, .sha1("sha-of-" + key))
        }
        XCTAssertEqual(connection.store(.profileSHA1(hostPort: "vpn:443"), timeoutSeconds: 5), .sha1("sha-of-vpn:443"))
    }
}
