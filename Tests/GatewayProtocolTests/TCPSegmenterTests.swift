import GatewayProtocol
import XCTest

/// The user-space TSO of issue 12, item 3, against known answers computed independently (a Python
/// implementation of RFC 1071 and the kernel's segmentation rules), so a wrong sum or a wrong field fails.
final class TCPSegmenterTests: XCTestCase {
    private let payload: [UInt8] = (0..<3000).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }

    private func be16(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xff), UInt8(value & 0xff)] }

    /// 10.0.0.2:40000 → 198.19.0.1:5201, seq 0x11223344, ack 0x55667788, PSH|ACK, window 502, id 0x1234, DF.
    private func superPacketIPv4() -> [UInt8] {
        let tcp: [UInt8] = be16(40000) + be16(5201) + [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x50, 0x18]
            + be16(502) + [0xab, 0xcd] + [0, 0]
        let ip: [UInt8] = [0x45, 0] + be16(20 + tcp.count + payload.count) + be16(0x1234) + [0x40, 0, 64, 6, 0xee, 0xee]
            + [10, 0, 0, 2, 198, 19, 0, 1]
        return ip + tcp + payload
    }

    private func segments(_ packet: [UInt8], _ header: VirtioNetHeader) -> [[UInt8]]? {
        packet.withUnsafeBytes { bytes -> [[UInt8]]? in
            guard let plan = TCPSegmenter.plan(header, packet: bytes) else { return nil }
            let out = UnsafeMutableRawBufferPointer.allocate(byteCount: TCPSegmenter.largestSegment(plan, packetLength: bytes.count),
                                                             alignment: 8)
            defer { out.deallocate() }
            return (0..<plan.count).map { index in
                let length = TCPSegmenter.writeSegment(index, of: bytes, plan: plan, into: out)
                return Array(out[0..<length])
            }
        }
    }

    func testTheInternetChecksumOfAKnownIPv4Header() {
        // The classic worked example: 4500 0073 0000 4000 4011 (b861) c0a8 0001 c0a8 00c7.
        let header: [UInt8] = [0x45, 0, 0, 0x73, 0, 0, 0x40, 0, 0x40, 0x11, 0, 0, 0xc0, 0xa8, 0, 1, 0xc0, 0xa8, 0, 0xc7]
        XCTAssertEqual(header.withUnsafeBytes { InternetChecksum.of($0) }, 0xb861)
        // An odd length pads with a zero byte; and 8-byte steps agree with 2-byte ones.
        XCTAssertEqual([UInt8]([0x01]).withUnsafeBytes { InternetChecksum.of($0) }, ~UInt16(0x0100))
        let long = payload
        let bytewise = long.withUnsafeBytes { bytes -> UInt16 in
            var sum: UInt64 = 0
            for index in stride(from: 0, to: bytes.count, by: 2) {
                sum += UInt64(bytes[index]) << 8 | UInt64(index + 1 < bytes.count ? bytes[index + 1] : 0)
            }
            return InternetChecksum.finish(sum)
        }
        XCTAssertEqual(long.withUnsafeBytes { InternetChecksum.of($0) }, bytewise)
    }

    func testAnIPv4SuperPacketBecomesMSSSegmentsWithTheirOwnHeadersAndChecksums() throws {
        let header = VirtioNetHeader(flags: VirtioNetHeader.needsChecksum, segmentation: .tcpIPv4, headerLength: 40,
                                     segmentSize: 1448, checksumStart: 20, checksumOffset: 16)
        let parts = try XCTUnwrap(segments(superPacketIPv4(), header))
        XCTAssertEqual(parts.map(\.count), [1488, 1488, 144])
        XCTAssertEqual(parts.map { Int($0[2]) << 8 | Int($0[3]) }, [1488, 1488, 144], "IP total length")
        XCTAssertEqual(parts.map { Int($0[4]) << 8 | Int($0[5]) }, [0x1234, 0x1235, 0x1236], "IP id")
        XCTAssertEqual(parts.map { Int($0[10]) << 8 | Int($0[11]) }, [0x52de, 0x52dd, 0x581c], "IP checksum")
        XCTAssertEqual(parts.map { Int($0[36]) << 8 | Int($0[37]) }, [0x0f65, 0x27d9, 0x14bb], "TCP checksum")
        XCTAssertEqual(parts.map { Array($0[24..<28]) }, [[0x11, 0x22, 0x33, 0x44], [0x11, 0x22, 0x38, 0xec], [0x11, 0x22, 0x3e, 0x94]],
                       "sequence numbers advance by the MSS")
        XCTAssertEqual(parts.map { $0[33] }, [0x10, 0x10, 0x18], "PSH only on the last segment")
        XCTAssertEqual(parts.flatMap { $0[40...] }, payload, "the payload, in order, once")
    }

    func testFINOnlyOnTheLastAndCWROnlyOnTheFirstSegment() throws {
        var packet = superPacketIPv4()
        packet[33] = 0x80 | 0x10 | 0x01  // CWR, ACK, FIN
        let header = VirtioNetHeader(flags: 1, segmentation: .tcpIPv4, segmentSize: 1448, checksumStart: 20, checksumOffset: 16)
        let parts = try XCTUnwrap(segments(packet, header))
        XCTAssertEqual(parts.map { $0[33] }, [0x90, 0x10, 0x11])
    }

    func testAnIPv6SegmentAndACompletedChecksumMatchTheKnownAnswer() throws {
        let source: [UInt8] = [0xfd] + Array(repeating: 0, count: 14) + [2]
        let destination: [UInt8] = [0xfd] + Array(repeating: 0, count: 14) + [1]
        let body = Array(payload[0..<1000])
        let tcpLength = 20 + body.count
        // CHECKSUM_PARTIAL as the kernel leaves it: the folded, uncomplemented pseudo-header sum in the field.
        let pseudo = (source + destination + [0, 0] + be16(tcpLength) + [0, 0, 0, 6]).withUnsafeBytes { InternetChecksum.add($0) }
        let partial = ~InternetChecksum.finish(pseudo)
        let tcp: [UInt8] = be16(40000) + be16(5201) + [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x50, 0x18] + be16(502)
            + be16(Int(partial)) + [0, 0]
        let packet: [UInt8] = [0x60, 0, 0, 0] + be16(tcpLength) + [6, 64] + source + destination + tcp + body

        let completed = try XCTUnwrap(segments(packet, VirtioNetHeader(flags: 1, checksumStart: 40, checksumOffset: 16)))
        XCTAssertEqual(completed.count, 1)
        XCTAssertEqual(Int(completed[0][56]) << 8 | Int(completed[0][57]), 0xd73e)
        XCTAssertEqual(completed[0].count, packet.count)

        let segmented = try XCTUnwrap(segments(packet, VirtioNetHeader(flags: 1, segmentation: .tcpIPv6, segmentSize: 1000,
                                                                       checksumStart: 40, checksumOffset: 16)))
        XCTAssertEqual(segmented, completed, "one segment of a full MSS is the packet with its checksum")
    }

    func testAPacketWithoutOffloadIsCopiedAsIs() throws {
        let packet = superPacketIPv4()
        XCTAssertEqual(try XCTUnwrap(segments(packet, VirtioNetHeader())), [packet])
    }

    func testMalformedOrUnofferedPacketsAreRefused() {
        var header = VirtioNetHeader(flags: 1, segmentation: .tcpIPv4, segmentSize: 1448, checksumStart: 20, checksumOffset: 16)
        XCTAssertNil(segments([0x45, 0, 0], header), "shorter than its headers")
        var udp = superPacketIPv4()
        udp[9] = 17
        XCTAssertNil(segments(udp, header), "TSO of a packet that is not TCP")
        var cut = superPacketIPv4()
        cut.removeLast(100)
        XCTAssertNil(segments(cut, header), "a read shorter than the IP length says")
        header.segmentSize = 0
        XCTAssertNil(segments(superPacketIPv4(), header), "no MSS")
        XCTAssertNil(segments(superPacketIPv4(), VirtioNetHeader(segmentation: .udp, segmentSize: 1000)), "USO is not offered")
        XCTAssertNil(segments([0x45], VirtioNetHeader(flags: 1, checksumStart: 20, checksumOffset: 16)),
                     "a checksum field beyond the packet")
        var badOffset = superPacketIPv4()
        badOffset[32] = 0xf0  // TCP data offset 60 bytes
        XCTAssertNotNil(segments(badOffset, VirtioNetHeader(flags: 1, segmentation: .tcpIPv4, segmentSize: 1448,
                                                            checksumStart: 20, checksumOffset: 16)))
    }

    func testTheVirtioHeaderReadsAndWritesLittleEndian() throws {
        let bytes: [UInt8] = [1, 0x81, 66, 0, 0xa8, 0x05, 20, 0, 16, 0]
        let header = try XCTUnwrap(bytes.withUnsafeBytes { VirtioNetHeader($0) })
        XCTAssertEqual(header, VirtioNetHeader(flags: 1, segmentation: .tcpIPv4, headerLength: 66, segmentSize: 1448,
                                               checksumStart: 20, checksumOffset: 16), "the ECN bit is masked off")
        var out = [UInt8](repeating: 0xff, count: 10)
        out.withUnsafeMutableBytes { VirtioNetHeader().write(into: $0) }
        XCTAssertEqual(out, Array(repeating: 0, count: 10))
        XCTAssertNil([UInt8](repeating: 0, count: 9).withUnsafeBytes { VirtioNetHeader($0) })
    }
}
