import Engine
import XCTest

/// Issue 13, item 4: a log line stays one line and carries no terminal escapes, whatever a gateway sent.
final class LogTextTests: XCTestCase {
    func testControlCharactersAreWrittenAsEscapes() {
        XCTAssertEqual(LogText.escaped("banner\nFAKE 00:00 info password accepted"), "banner\\nFAKE 00:00 info password accepted")
        XCTAssertEqual(LogText.escaped("a\r\tb\u{1B}[2Jc\u{7F}d\u{9B}e\u{2028}f\u{202E}"),
                       "a\\r\\tb\\u{1B}[2Jc\\u{7F}d\\u{9B}e\\u{2028}f\\u{202E}")
        XCTAssertEqual(LogText.escaped(#"C:\n"#), #"C:\\n"#, "a backslash in the text cannot fake an escape")
        XCTAssertEqual(LogText.escaped("Zürich → ok"), "Zürich → ok")
    }
}
