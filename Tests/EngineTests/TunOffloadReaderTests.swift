@testable import Engine
import GatewayProtocol
import XCTest

/// The tun's offload reader (issue 12, item 3): one read of a virtio header and a TCP super-packet comes out as
/// MSS-sized packets, one per call, then the next read; a packet the segmenter refuses is skipped.
final class TunOffloadReaderTests: XCTestCase {
    private func superPacket(payload: Int) -> [UInt8] {
        let tcp: [UInt8] = [0x9c, 0x40, 0x14, 0x51, 0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x18, 0x01, 0xf6, 0, 0, 0, 0]
        let total = 20 + tcp.count + payload
        let ip: [UInt8] = [0x45, 0, UInt8(total >> 8), UInt8(total & 0xff), 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 2, 198, 19, 0, 1]
        return ip + tcp + (0..<payload).map { UInt8(truncatingIfNeeded: $0) }
    }

    private func header(_ header: VirtioNetHeader) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: VirtioNetHeader.length)
        bytes.withUnsafeMutableBytes { header.write(into: $0) }
        return bytes
    }

    func testOneReadBecomesItsSegmentsThenTheNextReadFollows() {
        let tso = VirtioNetHeader(flags: 1, segmentation: .tcpIPv4, headerLength: 40, segmentSize: 1000, checksumStart: 20,
                                  checksumOffset: 16)
        var reads: [[UInt8]] = [
            header(tso) + superPacket(payload: 2500),
            header(VirtioNetHeader(segmentation: .udp, segmentSize: 100)) + superPacket(payload: 10),  // not offered
            header(VirtioNetHeader()) + [0x45, 1, 2, 3],
        ]
        let reader = TunOffloadReader()
        let out = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 8)
        defer { out.deallocate() }
        var lengths: [Int] = []
        var firstBytes: [[UInt8]] = []
        while true {
            let length = reader.next(into: out) { buffer in
                guard !reads.isEmpty else { return -1 }
                let next = reads.removeFirst()
                buffer.copyBytes(from: next)
                return next.count
            }
            if length == 0 { break }
            lengths.append(length)
            firstBytes.append(Array(out[0..<min(length, 4)]))
        }
        XCTAssertEqual(lengths, [1040, 1040, 540, 4], "three segments, the refused packet skipped, then a plain one")
        XCTAssertEqual(firstBytes.last, [0x45, 1, 2, 3])
        XCTAssertTrue(reads.isEmpty)
    }
}
