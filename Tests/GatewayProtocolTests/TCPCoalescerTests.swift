import GatewayProtocol
import XCTest

/// The user-space GRO of issue 12, item 3: segments from the gateway joined into one TCPv4 GSO super-packet.
/// Known answers were computed independently (Python, RFC 1071); the round trip through `TCPSegmenter` must give
/// back the very bytes that went in.
final class TCPCoalescerTests: XCTestCase {
    private let payload: [UInt8] = (0..<3000).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }

    private func be16(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xff), UInt8(value & 0xff)] }

    /// 10.0.0.2:40000 → 198.19.0.1:5201, seq 0x11223344, ack 0x55667788, PSH|ACK, window 502, id 0x1234, DF,
    /// `payload` long; checksums are placeholders until `segments` cuts it.
    private func superPacket(options: [UInt8] = [], payload body: [UInt8]? = nil) -> [UInt8] {
        let body = body ?? payload
        let offset = UInt8((20 + options.count) / 4) << 4
        let tcp: [UInt8] = be16(40000) + be16(5201) + [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, offset, 0x18]
            + be16(502) + [0xab, 0xcd] + [0, 0] + options
        let ip: [UInt8] = [0x45, 0] + be16(20 + tcp.count + body.count) + be16(0x1234) + [0x40, 0, 64, 6, 0xee, 0xee]
            + [10, 0, 0, 2, 198, 19, 0, 1]
        return ip + tcp + body
    }

    /// The segments the kernel's TSO would make of `packet` (TCPSegmenter, known-answer tested): valid checksums,
    /// ids and sequence numbers advancing, PSH on the last.
    private func segments(_ packet: [UInt8], size: Int = 1448, headers: Int = 40) throws -> [[UInt8]] {
        let header = VirtioNetHeader(flags: VirtioNetHeader.needsChecksum, segmentation: .tcpIPv4, headerLength: headers,
                                     segmentSize: size, checksumStart: 20, checksumOffset: 16)
        return try XCTUnwrap(cut(packet, header))
    }

    private func cut(_ packet: [UInt8], _ header: VirtioNetHeader) -> [[UInt8]]? {
        packet.withUnsafeBytes { bytes -> [[UInt8]]? in
            guard let plan = TCPSegmenter.plan(header, packet: bytes) else { return nil }
            let out = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 8)
            defer { out.deallocate() }
            return (0..<plan.count).map { Array(out[0..<TCPSegmenter.writeSegment($0, of: bytes, plan: plan, into: out)]) }
        }
    }

    private func add(_ coalescer: TCPCoalescer, _ packet: [UInt8]) -> Bool {
        packet.withUnsafeBytes { coalescer.add($0) }
    }

    private func finish(_ coalescer: TCPCoalescer) -> (VirtioNetHeader, [UInt8])? {
        coalescer.finish { ($0, Array($1)) }
    }

    func testThreeSegmentsBecomeOneSuperPacketWithEveryFieldRight() throws {
        let parts = try segments(superPacket())
        XCTAssertEqual(parts.map(\.count), [1488, 1488, 144])
        let coalescer = TCPCoalescer()
        for part in parts { XCTAssertTrue(add(coalescer, part)) }
        XCTAssertEqual(coalescer.count, 3)
        let (header, bytes) = try XCTUnwrap(finish(coalescer))
        XCTAssertEqual(header, VirtioNetHeader(flags: VirtioNetHeader.needsChecksum, segmentation: .tcpIPv4, headerLength: 40,
                                               segmentSize: 1448, checksumStart: 20, checksumOffset: 16))
        XCTAssertEqual(bytes.count, 3040)
        XCTAssertEqual(Array(bytes[2..<4]), be16(3040), "IP total length")
        XCTAssertEqual(Array(bytes[4..<6]), be16(0x1234), "the first segment's IP id")
        XCTAssertEqual(Array(bytes[10..<12]), be16(0x4cce), "IP header checksum, recomputed")
        XCTAssertEqual(Array(bytes[24..<28]), [0x11, 0x22, 0x33, 0x44], "the first segment's sequence number")
        XCTAssertEqual(bytes[33], 0x18, "PSH from the last segment")
        XCTAssertEqual(Array(bytes[36..<38]), be16(0xdbe8), "TCP field: the pseudo-header sum (CHECKSUM_PARTIAL)")
        XCTAssertEqual(Array(bytes[40...]), payload, "the payload, in order, once")
        XCTAssertEqual(coalescer.count, 0, "finished")
        XCTAssertNil(finish(coalescer))
    }

    func testTheSuperPacketReSegmentedGivesBackTheOriginalPacketsByteForByte() throws {
        // Sizes (a short last segment, an exact multiple, one byte over), and TCP options (timestamps).
        let timestamps: [UInt8] = [1, 1, 8, 10, 0, 1, 2, 3, 4, 5, 6, 7]
        for (options, size, length) in [([UInt8](), 1448, 3000), (timestamps, 1436, 1436 * 4), (timestamps, 1000, 5001)] {
            let body = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 5) }
            let parts = try segments(superPacket(options: options, payload: body), size: size, headers: 40 + options.count)
            let coalescer = TCPCoalescer()
            for part in parts { XCTAssertTrue(add(coalescer, part)) }
            let (header, bytes) = try XCTUnwrap(finish(coalescer))
            XCTAssertEqual(cut(bytes, header), parts, "options \(options.count), MSS \(size), \(length) bytes")
        }
    }

    func testItStopsAt64KBAndTheNextSegmentStartsAnother() throws {
        // 50 full segments of one flow, each continuing the last (sequence and id), ACK only.
        let first = try segments(superPacket())[0]
        let parts = (0..<50).map { index -> [UInt8] in
            var next = first
            let sequence = UInt32(0x11223344) &+ UInt32(1448 * index)
            next[4...5] = ArraySlice(be16(0x1234 + index))
            next[24...27] = [UInt8(sequence >> 24), UInt8(sequence >> 16 & 0xff), UInt8(sequence >> 8 & 0xff), UInt8(sequence & 0xff)]
            return refreshed(next)
        }
        let coalescer = TCPCoalescer()
        var joined = 0
        for part in parts {
            if add(coalescer, part) { joined += 1 } else { break }
        }
        XCTAssertEqual(joined, (65535 - 40) / 1448, "as many segments as fit in 64 KB")
        let (header, bytes) = try XCTUnwrap(finish(coalescer))
        XCTAssertEqual(bytes.count, 40 + 1448 * joined)
        XCTAssertEqual(cut(bytes, header), Array(parts[0..<joined]))
        XCTAssertTrue(add(coalescer, parts[joined]), "the refused segment starts the next super-packet")
    }

    /// `packet` with its IP and TCP checksums recomputed.
    private func refreshed(_ packet: [UInt8]) -> [UInt8] {
        var out = packet
        out[10] = 0; out[11] = 0; out[36] = 0; out[37] = 0
        let ip = out[0..<20].withUnsafeBytes { InternetChecksum.of($0) }
        out[10...11] = ArraySlice(be16(Int(ip)))
        let tcpLength = out.count - 20
        var sum = out[12..<20].withUnsafeBytes { InternetChecksum.add($0) } + 6 + UInt64(tcpLength)
        sum = out[20...].withUnsafeBytes { InternetChecksum.add($0, to: sum) }
        out[36...37] = ArraySlice(be16(Int(InternetChecksum.finish(sum))))
        return out
    }

    func testRefusesNonConsecutiveDifferentFlagsAndAnotherFlow() throws {
        let parts = try segments(superPacket())
        func refusedAfterFirst(_ change: (inout [UInt8]) -> Void, _ why: String) {
            let coalescer = TCPCoalescer()
            XCTAssertTrue(add(coalescer, parts[0]))
            var second = parts[1]
            change(&second)
            XCTAssertFalse(add(coalescer, refreshed(second)), why)
            XCTAssertEqual(coalescer.count, 1, why)
        }
        refusedAfterFirst({ $0[27] &+= 1 }, "a sequence gap")
        refusedAfterFirst({ $0[5] &+= 1 }, "an IP id gap")
        refusedAfterFirst({ $0[33] = 0x11 }, "FIN")
        refusedAfterFirst({ $0[33] = 0x50 }, "ECE")
        refusedAfterFirst({ $0[23] = 0x52 }, "another destination port")
        refusedAfterFirst({ $0[15] = 3 }, "another source address")
        refusedAfterFirst({ $0[8] = 63 }, "another TTL")
        refusedAfterFirst({ $0[1] = 0x10 }, "another TOS")
        refusedAfterFirst({ $0[6] = 0 }, "DF cleared")
        refusedAfterFirst({ $0[31] &+= 1 }, "another ACK")
        refusedAfterFirst({ $0[35] &+= 1 }, "another window")

        // A bad checksum is refused outright (the kernel would have dropped it; it must not hide in a merge).
        let coalescer = TCPCoalescer()
        var corrupt = parts[0]
        corrupt[100] ^= 1
        XCTAssertFalse(add(coalescer, corrupt))
        XCTAssertEqual(coalescer.count, 0)

        // Longer than the first, or after a PSH or a short segment: the super-packet is closed.
        XCTAssertTrue(add(coalescer, parts[2]))  // 104 bytes with PSH
        XCTAssertFalse(add(coalescer, parts[0]))
        _ = finish(coalescer)
        let small = try segments(superPacket(), size: 1000)
        XCTAssertTrue(add(coalescer, small[0]))
        XCTAssertFalse(add(coalescer, parts[1]), "a segment longer than the first")
    }

    func testNonTCPOrOptionsOrFragmentsAreNotCoalescedAndALoneSegmentGoesAsItCame() throws {
        let parts = try segments(superPacket())
        let coalescer = TCPCoalescer()
        var udp = parts[0]; udp[9] = 17
        var options = parts[0]; options[0] = 0x46
        var fragment = parts[0]; fragment[6] = 0x20
        var ipv6 = parts[0]; ipv6[0] = 0x60
        for packet in [udp, options, fragment, ipv6, Array(parts[0][0..<40])] {
            XCTAssertFalse(add(coalescer, refreshed(packet)))
        }
        XCTAssertEqual(coalescer.count, 0)
        XCTAssertTrue(add(coalescer, parts[0]))
        let (header, bytes) = try XCTUnwrap(finish(coalescer))
        XCTAssertEqual(header, VirtioNetHeader())
        XCTAssertEqual(bytes, parts[0], "a lone segment is not touched")
    }
}
