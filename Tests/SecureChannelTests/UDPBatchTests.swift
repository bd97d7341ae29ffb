import CLinux
import Glibc
import XCTest

/// The DTLS batch's send path over real UDP sockets on loopback (issue 12, item 3): with UDP GSO, runs of equal
/// datagrams go as one message, and the receiver still gets every datagram whole, in order, with its own length.
final class UDPBatchTests: XCTestCase {
    private let slotSize = 2048

    /// A receiver bound to 127.0.0.1 and a sender connected to it.
    private func socketPair() throws -> (sender: Int32, receiver: Int32) {
        let receiver = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        let sender = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(receiver, 0)
        XCTAssertGreaterThanOrEqual(sender, 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                XCTAssertEqual(bind(receiver, raw, length), 0)
                XCTAssertEqual(getsockname(receiver, raw, &length), 0)
                guard connect(sender, raw, length) == 0 else { throw POSIXError(.ECONNREFUSED) }
            }
        }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(receiver, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return (sender, receiver)
    }

    /// Sends datagrams of `lengths` (each filled with its index) through CLinux_send_batch; returns what arrived.
    private func roundTrip(_ lengths: [Int], gso: Int32) throws -> (received: [[UInt8]], gso: Int32) {
        let (sender, receiver) = try socketPair()
        defer {
            close(sender)
            close(receiver)
        }
        var slots = [UInt8](repeating: 0, count: slotSize * lengths.count)
        for (index, length) in lengths.enumerated() {
            for offset in 0..<length { slots[index * slotSize + offset] = UInt8(index) &+ UInt8(truncatingIfNeeded: offset) }
        }
        var sizes = lengths.map { UInt32($0) }
        var flag = gso
        let code = CLinux_send_batch(sender, &slots, slotSize, &sizes, Int32(lengths.count), &flag)
        XCTAssertEqual(code, 0, "send: \(String(cString: strerror(-code)))")
        var received: [[UInt8]] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        for _ in lengths {
            let count = recv(receiver, &buffer, buffer.count, 0)
            guard count >= 0 else { break }
            received.append(Array(buffer[0..<count]))
        }
        return (received, flag)
    }

    private func expected(_ lengths: [Int]) -> [[UInt8]] {
        lengths.enumerated().map { index, length in
            (0..<length).map { UInt8(index) &+ UInt8(truncatingIfNeeded: $0) }
        }
    }

    func testRunsOfEqualDatagramsArriveWholeAndInOrder() throws {
        // Two runs (the shorter fourth ends the first), then a longer one that cannot join the second.
        let lengths = [1400, 1400, 1400, 600, 1400, 1400, 1450, 1]
        let result = try roundTrip(lengths, gso: 1)
        XCTAssertEqual(result.received, expected(lengths))
        XCTAssertEqual(result.gso, 1, "loopback takes UDP GSO: it stays on")
    }

    func testWithoutSegmentationOffloadEveryDatagramGoesAlone() throws {
        let lengths = [1400, 1400, 1400, 600, 1400]
        let result = try roundTrip(lengths, gso: 0)
        XCTAssertEqual(result.received, expected(lengths))
        XCTAssertEqual(result.gso, 0)
    }

    func testAFullBatchOfSixtyFourLeavesInOneCall() throws {
        let lengths = [Int](repeating: 1200, count: 64)
        XCTAssertEqual(try roundTrip(lengths, gso: 1).received, expected(lengths))
    }
}
