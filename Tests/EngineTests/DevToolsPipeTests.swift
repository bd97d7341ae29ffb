@testable import Engine
import Foundation
import Glibc
import XCTest

/// The DevTools pipe against a fake browser on socket pairs: framing, replies matched to commands, events kept,
/// and every bound (message size, deadline, cancellation, a browser that goes away).
final class DevToolsPipeTests: XCTestCase {
    private var browserReads: Int32 = -1
    private var browserWrites: Int32 = -1
    private var pipe: DevToolsPipe!

    override func setUp() {
        var commands: [Int32] = [-1, -1]
        var replies: [Int32] = [-1, -1]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &commands), 0)
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &replies), 0)
        pipe = DevToolsPipe(commandFD: commands[0], replyFD: replies[0])
        browserReads = commands[1]
        browserWrites = replies[1]
    }

    override func tearDown() {
        pipe.close()
        if browserReads >= 0 { close(browserReads) }
        if browserWrites >= 0 { close(browserWrites) }
    }

    private func never() throws(EmbeddedBrowserError) {}

    /// Writes `bytes` as the browser, from another thread (a big write fills the socket's buffer).
    private func browserSends(_ bytes: [UInt8]) -> Thread {
        let fd = browserWrites
        let thread = Thread {
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if written <= 0 { return }
                offset += written
            }
        }
        thread.start()
        return thread
    }

    private func frame(_ json: String) -> [UInt8] { Array(json.utf8) + [0] }

    func testReplyIsMatchedToItsCommandAndEarlierEventsAreKept() throws {
        let reader = browserReads
        let writer = browserWrites
        let browser = Thread {
            var received: [UInt8] = []
            var byte: UInt8 = 0
            while read(reader, &byte, 1) == 1 && byte != 0 { received.append(byte) }
            let command = (try? JSONSerialization.jsonObject(with: Data(received))) as? [String: Any] ?? [:]
            let id = command["id"] as? Int ?? -1
            let method = command["method"] as? String ?? ""
            let session = command["sessionId"] as? String ?? ""
            let answer = "{\"method\":\"Page.frameNavigated\",\"params\":{}}\0{\"id\":999,\"result\":{}}\0"
                + "{\"id\":\(id),\"result\":{\"echo\":\"\(method)/\(session)\"}}\0"
            _ = Array(answer.utf8).withUnsafeBufferPointer { send(writer, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        browser.start()
        let result = try pipe.call("Page.enable", session: "S1", until: Monotonic.after(seconds: 10), check: never)
        XCTAssertEqual(result["echo"] as? String, "Page.enable/S1")
        let event = try pipe.nextEvent(until: Monotonic.after(seconds: 1), check: never)
        XCTAssertEqual(event?["method"] as? String, "Page.frameNavigated")
    }

    func testAnOversizedMessageIsRefused() {
        _ = browserSends([UInt8](repeating: UInt8(ascii: "x"), count: DevToolsPipe.messageLimit + 200_000))
        XCTAssertThrowsError(try pipe.nextEvent(until: Monotonic.after(seconds: 20), check: never)) { error in
            guard case .protocolError(let why)? = error as? EmbeddedBrowserError else { return XCTFail("\(error)") }
            XCTAssertTrue(why.contains("exceeded"), why)
        }
    }

    func testAMessageThatIsNotAJSONObjectIsRefused() {
        _ = browserSends(frame("[1,2,3]"))
        XCTAssertThrowsError(try pipe.nextEvent(until: Monotonic.after(seconds: 5), check: never)) { error in
            guard case .protocolError? = error as? EmbeddedBrowserError else { return XCTFail("\(error)") }
        }
    }

    func testTheBrowserClosingItsEndIsReported() {
        close(browserWrites)
        browserWrites = -1
        XCTAssertThrowsError(try pipe.nextEvent(until: Monotonic.after(seconds: 5), check: never)) { error in
            guard case .browserExited? = error as? EmbeddedBrowserError else { return XCTFail("\(error)") }
        }
    }

    func testACommandToABrowserThatStoppedReadingIsReported() {
        close(browserReads)
        browserReads = -1
        XCTAssertThrowsError(try pipe.call("Browser.getVersion", until: Monotonic.after(seconds: 5), check: never)) { error in
            guard case .browserExited? = error as? EmbeddedBrowserError else { return XCTFail("\(error)") }
        }
    }

    func testWaitingEndsAtTheDeadlineAndOnCancellation() throws {
        let start = Date()
        XCTAssertNil(try pipe.nextEvent(until: Monotonic.after(seconds: 0.4), check: never))
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)

        let cancelAt = Date().addingTimeInterval(0.3)
        let cancelled = { () throws(EmbeddedBrowserError) in if Date() >= cancelAt { throw .cancelled } }
        XCTAssertThrowsError(try pipe.nextEvent(until: Monotonic.after(seconds: 30), check: cancelled)) { error in
            XCTAssertEqual(error as? EmbeddedBrowserError, .cancelled)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 3, "cancellation seen within a slice, not at the deadline")
    }
}
