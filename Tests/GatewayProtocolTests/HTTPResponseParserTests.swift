import GatewayProtocol
import XCTest

final class HTTPResponseParserTests: XCTestCase {
    private func parse(_ text: String, method: String = "POST", limits: HTTPLimits = .standard) throws -> HTTPResponse? {
        var parser = HTTPResponseParser(limits: limits, requestMethod: method)
        return try parser.feed(Array(text.utf8))
    }

    func testContentLengthBodyArrivingByteByByte() throws {
        let text = "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 5\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\n\r\nhelloEXTRA"
        var parser = HTTPResponseParser()
        var result: HTTPResponse?
        for byte in text.utf8 {
            XCTAssertNil(result, "complete before the last byte of the body")
            result = try parser.feed([byte])
            if result != nil { break }
        }
        let response = try XCTUnwrap(result)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.reason, "OK")
        XCTAssertEqual(response.bodyText, "hello")
        XCTAssertEqual(response.headers["content-type"], "text/xml", "names are case-insensitive")
        XCTAssertEqual(response.headers.values("Set-Cookie"), ["a=1", "b=2"])
    }

    func testChunkedBodyWithExtensionsAndTrailers() throws {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: y\r\n\r\n"
        XCTAssertEqual(try parse(text)?.bodyText, "Wikipedia")
    }

    func testChunkedBodySplitAcrossFeeds() throws {
        var parser = HTTPResponseParser()
        XCTAssertNil(try parser.feed(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1".utf8)))
        XCTAssertNil(try parser.feed(Array("0\r\n0123456789abcdef\r".utf8)))
        let response = try parser.feed(Array("\n0\r\n\r\n".utf8))
        XCTAssertEqual(response?.bodyText, "0123456789abcdef")
    }

    func testCloseDelimitedBodyEndsAtFinish() throws {
        var parser = HTTPResponseParser()
        XCTAssertNil(try parser.feed(Array("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\npartial".utf8)))
        XCTAssertEqual(try parser.finish().bodyText, "partial")
    }

    func testConnectResponseHasNoBodyAndKeepsTheStreamAfterIt() throws {
        var parser = HTTPResponseParser(requestMethod: "CONNECT")
        let bytes = Array("HTTP/1.1 200 CONNECTED\r\nX-CSTP-MTU: 1434\r\n\r\n".utf8) + [0x53, 0x54, 0x46, 0x01]
        let response = try XCTUnwrap(try parser.feed(bytes))
        XCTAssertEqual(response.reason, "CONNECTED")
        XCTAssertEqual(parser.remainder, [0x53, 0x54, 0x46, 0x01])
    }

    func testInterimResponseIsSkipped() throws {
        let text = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 401 Authentication failed\r\nContent-Length: 0\r\n\r\n"
        let response = try XCTUnwrap(try parse(text))
        XCTAssertEqual(response.status, 401)
        XCTAssertEqual(response.reason, "Authentication failed")
    }

    func testOversizedHeadersAreRefused() {
        let text = "HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: 300_000)
        XCTAssertThrowsError(try parse(text)) { XCTAssertEqual($0 as? HTTPParseError, .headersTooLarge(limit: 262_144)) }
    }

    /// No small count cap (an ASA's CONNECT reply has one header per split-tunnel entry); bytes bound the head.
    func testManyHeadersAreFineAndTheLineCountIsStillBounded() throws {
        let many = "HTTP/1.1 200 OK\r\n" + String(repeating: "A: b\r\n", count: 3000) + "Content-Length: 0\r\n\r\n"
        XCTAssertEqual(try XCTUnwrap(try parse(many)).headers.values("A").count, 3000)
        let flood = "HTTP/1.1 200 OK\r\n" + String(repeating: "A:\r\n", count: 20_000) + "\r\n"
        XCTAssertThrowsError(try parse(flood)) { XCTAssertEqual($0 as? HTTPParseError, .tooManyHeaders(limit: 10_000)) }
    }

    /// A head that arrives one byte at a time is found (the blank line may straddle two reads).
    func testHeadTricklingInByteByByte() throws {
        let text = "HTTP/1.1 200 CONNECTED\r\n" + String(repeating: "X-CSTP-Split-Include: 10.0.0.0/8\r\n", count: 50) + "\r\nrest"
        var parser = HTTPResponseParser(requestMethod: "CONNECT")
        var response: HTTPResponse?
        for byte in Array(text.utf8) where response == nil { response = try parser.feed([byte]) }
        XCTAssertEqual(response?.headers.values("X-CSTP-Split-Include").count, 50)
    }

    func testBodyOverTheLimitIsRefusedFromItsLength() {
        let text = "HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n"
        XCTAssertThrowsError(try parse(text)) { XCTAssertEqual($0 as? HTTPParseError, .bodyTooLarge(limit: 1024 * 1024)) }
    }

    func testEndlessChunkedBodyIsCutAtTheLimit() {
        var parser = HTTPResponseParser(limits: HTTPLimits(maxBodyBytes: 1000))
        XCTAssertThrowsError(try {
            _ = try parser.feed(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
            for _ in 0..<100 { _ = try parser.feed(Array("40\r\n".utf8) + [UInt8](repeating: 65, count: 64) + [13, 10]) }
        }()) { XCTAssertEqual($0 as? HTTPParseError, .bodyTooLarge(limit: 1000)) }
    }

    func testBadChunkSizes() {
        for size in ["zz", "-1", "", "ffffffffffffffffff", "1 2"] {
            let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\(size)\r\n"
            XCTAssertThrowsError(try parse(text), "chunk size '\(size)'") { error in
                guard case .badChunkSize = error as? HTTPParseError else { return XCTFail("got \(error)") }
            }
        }
    }

    func testMissingCRLFAfterChunkData() {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY"
        XCTAssertThrowsError(try parse(text)) { error in
            guard case .badChunkSize = error as? HTTPParseError else { return XCTFail("got \(error)") }
        }
    }

    func testConflictingContentLengthsAreRefused() {
        let text = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"
        XCTAssertThrowsError(try parse(text)) { error in
            guard case .badContentLength = error as? HTTPParseError else { return XCTFail("got \(error)") }
        }
    }

    func testMalformedStatusAndHeaderLines() {
        XCTAssertThrowsError(try parse("SSH-2.0-OpenSSH_9.2\r\n\r\n")) { error in
            guard case .malformedStatusLine = error as? HTTPParseError else { return XCTFail("got \(error)") }
        }
        XCTAssertThrowsError(try parse("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n")) { error in
            guard case .malformedHeader = error as? HTTPParseError else { return XCTFail("got \(error)") }
        }
    }

    func testTruncatedBodyAtFinish() throws {
        var parser = HTTPResponseParser()
        XCTAssertNil(try parser.feed(Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".utf8)))
        XCTAssertThrowsError(try parser.finish()) { XCTAssertEqual($0 as? HTTPParseError, .truncated("response body")) }
    }

    func testUnsupportedTransferEncoding() {
        XCTAssertThrowsError(try parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n")) { error in
            XCTAssertEqual(error as? HTTPParseError, .unsupportedTransferEncoding("gzip"))
        }
    }
}
