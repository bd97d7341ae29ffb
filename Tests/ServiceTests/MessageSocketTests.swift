import Foundation
import Glibc
import XCTest
@testable import Service

final class MessageSocketTests: XCTestCase {
    private func pair() -> (MessageSocket, Int32) {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds), 0)
        return (MessageSocket(descriptor: fds[0]), fds[1])
    }

    private func writeRaw(_ fd: Int32, _ bytes: [UInt8]) {
        XCTAssertEqual(bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }, bytes.count)
    }

    func testMessagesCrossWhole() throws {
        let (a, fd) = pair()
        let b = MessageSocket(descriptor: fd)
        defer { a.close(); b.close() }
        try a.send(ClientMessage.status)
        try a.send(ClientMessage.disconnect(name: "work"))
        XCTAssertEqual(try b.receive(ClientMessage.self), .status)
        XCTAssertEqual(try b.receive(ClientMessage.self), .disconnect(name: "work"))
        a.close()
        XCTAssertNil(try b.receive(ClientMessage.self), "a clean close between messages is the end, not an error")
    }

    /// A peer announcing a frame over the limit is refused before anything is allocated for it.
    func testAnOversizedFrameIsRefused() {
        let (socket, fd) = pair()
        defer { socket.close(); close(fd) }
        writeRaw(fd, [0x7f, 0xff, 0xff, 0xff])
        XCTAssertThrowsError(try socket.receive(ClientMessage.self)) { error in
            XCTAssertTrue("\(error)".contains("over the limit"), "\(error)")
        }
    }

    func testAFrameThatIsNotTheProtocolIsAnError() {
        let (socket, fd) = pair()
        defer { socket.close(); close(fd) }
        let body = Array("{\"nonsense\":1}".utf8)
        writeRaw(fd, [0, 0, 0, UInt8(body.count)] + body)
        XCTAssertThrowsError(try socket.receive(ClientMessage.self)) { error in
            XCTAssertTrue("\(error)".contains("not this protocol's"), "\(error)")
        }
    }

    func testAPeerThatClosesMidMessageIsAnError() {
        let (socket, fd) = pair()
        defer { socket.close() }
        writeRaw(fd, [0, 0, 0, 50, 1, 2])
        close(fd)
        XCTAssertThrowsError(try socket.receive(ClientMessage.self))
    }

    func testTheKernelNamesThePeer() {
        let (socket, fd) = pair()
        defer { socket.close(); close(fd) }
        let peer = socket.peer()
        XCTAssertEqual(peer?.uid, getuid())
        XCTAssertEqual(peer?.pid, getpid())
    }
}
