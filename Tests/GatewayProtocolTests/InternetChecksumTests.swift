import GatewayProtocol
import XCTest

/// The word-at-a-time checksum against RFC 1071's definition, word by word, for every length and start offset
/// around the unrolled loop's edges (issue 12: the offload's per-segment cost).
final class InternetChecksumTests: XCTestCase {
    private func reference(_ bytes: [UInt8], from start: Int = 0) -> UInt64 {
        var sum: UInt64 = 0
        var index = start
        while index + 1 < bytes.count {
            sum += UInt64(bytes[index]) << 8 | UInt64(bytes[index + 1])
            index += 2
        }
        if index < bytes.count { sum += UInt64(bytes[index]) << 8 }
        return sum
    }

    func testEveryLengthAndOffsetMatchesTheDefinition() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<200).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for start in 0..<9 {
            for end in start...bytes.count {
                let slice = Array(bytes[start..<end])
                let fast = slice.withUnsafeBytes { InternetChecksum.finish(InternetChecksum.add($0)) }
                XCTAssertEqual(fast, InternetChecksum.finish(reference(slice)), "bytes \(start)..<\(end)")
            }
        }
    }

    func testAllOnesAndCarriesFoldTheSameWay() {
        let ones = [UInt8](repeating: 0xff, count: 65535)
        XCTAssertEqual(ones.withUnsafeBytes { InternetChecksum.of($0) }, InternetChecksum.finish(reference(ones)))
        // A running sum carried in, as the pseudo-header is.
        let tail: [UInt8] = [0x12, 0x34, 0x56]
        let carried = tail.withUnsafeBytes { InternetChecksum.add($0, to: 0xfffe_fffe) }
        XCTAssertEqual(InternetChecksum.finish(carried), InternetChecksum.finish(0xfffe_fffe + reference(tail)))
    }
}
