import GatewayProtocol
import XCTest

final class CSTPDecoderTests: XCTestCase {
    func testFramesSplitAnywhereAreReassembled() throws {
        let stream = CSTPFraming.frame(.data, payload: Array(0..<100)) + CSTPFraming.frame(.dpdRequest)
            + CSTPFraming.frame(.keepalive) + CSTPFraming.frame(.data, payload: [0x45, 0, 0, 20])
        for split in [1, 3, 7, 8, 9, 50, 107] {
            var decoder = CSTPDecoder(capacity: 64 * 1024)
            var frames: [(UInt8, [UInt8])] = []
            var offset = 0
            while offset < stream.count {
                let chunk = Array(stream[offset..<min(stream.count, offset + split)])
                decoder.append(chunk)
                while let frame = try decoder.next() { frames.append((frame.type, Array(frame.payload))) }
                offset += split
            }
            XCTAssertEqual(frames.map(\.0), [0x00, 0x03, 0x07, 0x00], "split \(split)")
            XCTAssertEqual(frames[0].1, Array(0..<100))
            XCTAssertEqual(frames[3].1, [0x45, 0, 0, 20])
            XCTAssertEqual(decoder.bufferedBytes, 0)
        }
    }

    func testHeaderLayoutMatchesTheTrace() {
        // protocol.md §3.4: OC's empty DPD request is 53 54 46 01 00 00 03 00; its BYE is 8 + 1 + 17 bytes.
        XCTAssertEqual(CSTPFraming.frame(.dpdRequest), [0x53, 0x54, 0x46, 0x01, 0x00, 0x00, 0x03, 0x00])
        let bye = CSTPFraming.disconnect()
        XCTAssertEqual(bye.count, 26)
        XCTAssertEqual(Array(bye[4...8]), [0x00, 0x12, 0x05, 0x00, 0xb0])
        XCTAssertEqual(CSTPFraming.frame(.dpdResponse, payload: [1, 2, 3]).suffix(3), [1, 2, 3], "a DPD answer echoes")
    }

    func testLyingOrBrokenFramesAreTypedErrors() {
        var badMagic = CSTPDecoder(capacity: 64 * 1024)
        badMagic.append(Array("HTTP/1.1".utf8))
        XCTAssertThrowsError(try badMagic.next()) { error in
            guard case .badMagic = error as? CSTPFrameError else { return XCTFail("\(error)") }
        }
        var reserved = CSTPDecoder(capacity: 64 * 1024)
        reserved.append([0x53, 0x54, 0x46, 0x01, 0, 0, 0, 7])
        XCTAssertThrowsError(try reserved.next()) { XCTAssertEqual($0 as? CSTPFrameError, .nonZeroReserved(7)) }
        var tooLong = CSTPDecoder(capacity: 64 * 1024)
        tooLong.append([0x53, 0x54, 0x46, 0x01, 0xff, 0xff, 0, 0])
        XCTAssertThrowsError(try tooLong.next()) { XCTAssertEqual($0 as? CSTPFrameError, .tooLong(65535)) }
    }

    func testLongStreamsCompactWithoutGrowing() throws {
        var decoder = CSTPDecoder(capacity: 40 * 1024)
        let frame = CSTPFraming.frame(.data, payload: [UInt8](repeating: 0xaa, count: 1400))
        var count = 0
        for _ in 0..<1000 {
            decoder.append(frame)
            while let decoded = try decoder.next() {
                XCTAssertEqual(decoded.payload.count, 1400)
                count += 1
            }
        }
        XCTAssertEqual(count, 1000)
    }
}
