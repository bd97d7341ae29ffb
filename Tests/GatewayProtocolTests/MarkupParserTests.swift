import GatewayProtocol
import XCTest

/// Hostile XML from a gateway ends in a typed error, never a crash or unbounded work.
final class MarkupParserTests: XCTestCase {
    func testEntityExpansionIsRefused() {
        let bomb = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
            <config-auth>&lol2;</config-auth>
            """
        XCTAssertThrowsError(try MarkupParser.parse(Array(bomb.utf8))) { error in
            XCTAssertEqual(error as? MarkupError, .documentTypeForbidden)
        }
    }

    func testExternalEntityIsRefused() {
        let xxe = #"<?xml version="1.0"?><!doctype x [<!entity e SYSTEM "file:///etc/passwd">]><x>&e;</x>"#
        XCTAssertThrowsError(try MarkupParser.parse(Array(xxe.utf8))) { error in
            XCTAssertEqual(error as? MarkupError, .documentTypeForbidden)
        }
    }

    func testDeepNestingIsRefused() {
        let deep = String(repeating: "<a>", count: 5000) + String(repeating: "</a>", count: 5000)
        XCTAssertThrowsError(try MarkupParser.parse(Array(deep.utf8))) { error in
            XCTAssertEqual(error as? MarkupError, .tooDeep(limit: 32))
        }
    }

    func testTooManyElementsIsRefused() {
        let wide = "<a>" + String(repeating: "<b/>", count: 30_000) + "</a>"
        XCTAssertThrowsError(try MarkupParser.parse(Array(wide.utf8))) { error in
            XCTAssertEqual(error as? MarkupError, .tooManyElements(limit: 20_000))
        }
    }

    func testHugeDocumentIsRefusedBeforeParsing() {
        let huge = [UInt8](repeating: UInt8(ascii: "a"), count: 2 * 1024 * 1024)
        XCTAssertThrowsError(try MarkupParser.parse(huge)) { error in
            XCTAssertEqual(error as? MarkupError, .tooLarge(limit: 1024 * 1024))
        }
    }

    func testTruncatedXMLIsMalformed() {
        let truncated = #"<config-auth client="vpn" type="auth-request"><auth id="main"><form"#
        XCTAssertThrowsError(try MarkupParser.parse(Array(truncated.utf8))) { error in
            guard case .malformed = error as? MarkupError else { return XCTFail("got \(error)") }
        }
    }

    func testEmptyBodyIsReported() {
        XCTAssertThrowsError(try MarkupParser.parse(Array(" \n".utf8))) { error in
            XCTAssertEqual(error as? MarkupError, .empty)
        }
    }

    func testTextAndAttributesAreDecoded() throws {
        let root = try MarkupParser.parse(Array(#"<r a="x &amp; y"><c>1 &lt; 2</c><![CDATA[<raw>]]></r>"#.utf8))
        XCTAssertEqual(root.attributes["a"], "x & y")
        XCTAssertEqual(root.child("c")?.text, "1 < 2")
        XCTAssertEqual(root.text, "<raw>")
    }
}

/// Inputs the fuzzers found (`make fuzz`); each once crashed Swiftgate and must now end in a typed error.
final class FuzzRegressionTests: XCTestCase {
    func testInvalidUTF8InAnElementNameIsRefusedNotATrap() {
        // auth target: libxml2 hands Foundation's XMLParser a name with bytes 0xff 0xff, which it force-unwraps.
        let bytes = Array("<config-auth><auth id=\"main\"><form><select".utf8) + [0xff, 0xff]
            + Array("ame=\"group_list\"/></form></auth></config-auth>".utf8)
        XCTAssertThrowsError(try AuthDocumentParser.parse(bytes)) { error in
            guard case .markup(.malformed(_, _, let reason)) = error as? AuthDocumentError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("UTF-8"))
        }
        XCTAssertThrowsError(try AnyConnectProfile.parse(Array("<AnyConnectProfile><".utf8) + [0xff] + Array("/>".utf8)))
    }

    func testProcessingInstructionsOtherThanTheDeclarationAreRefusedNotATrap() {
        // auth, profile and authflow targets: `<?x?>` made Foundation's XMLParser call strlen on NULL.
        for text in [#"<?x?><?xml version="1.0"?><config-auth/>"#, "<AnyConnectProfile><?nyCoostNostName?></AnyConnectProfile>",
                     "\u{85}<?<?xU?>\n<a\">,/aut4", #"<a/><?xml version="1.0"?>"#] {
            XCTAssertThrowsError(try MarkupParser.parse(Array(text.utf8)), text) { error in
                guard case .malformed = error as? MarkupError else { return XCTFail("\(error)") }
            }
        }
        XCTAssertNoThrow(try MarkupParser.parse(Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a/>".utf8)))
    }

    func testEmptySplitRouteIsDroppedWithAWarning() throws {
        // connect target: `X-CSTP-Split-Include:` with an empty value indexed an empty array. Since issue 13 (item 6)
        // a route that fails its check is dropped with a warning.
        XCTAssertNil(IPv4Network(parsing: ""))
        let configuration = try TunnelConfiguration(headers: HTTPHeaders([("X-CSTP-Address", "10.0.0.1"), ("X-CSTP-Split-Include", "")]))
        XCTAssertEqual(configuration.splitInclude, [])
        XCTAssertEqual(configuration.warnings.count, 1)
    }
}
