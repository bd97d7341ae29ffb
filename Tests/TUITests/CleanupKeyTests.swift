import TUI
import XCTest

/// Issue 14, item 5: one key on the gateways screen does what `swiftgate cleanup` does.
final class CleanupKeyTests: XCTestCase {
    func testShiftCOnTheGatewaysScreenAsksForTheCleanup() {
        var model = TUIModel(gateways: Fixtures.gateways, history: Fixtures.history)
        XCTAssertEqual(model.handle(.character("C"), now: 0), .cleanup)
        XCTAssertEqual(model.handle(.character("c"), now: 0), .none, "lower-case c is not bound")
    }
}
