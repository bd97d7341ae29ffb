import Engine
import Glibc
import XCTest

/// SIGPIPE ignored, core dumps off (issue 13, items 3 and 14).
final class ProcessHardeningTests: XCTestCase {
    func testApplyIgnoresSIGPIPEAndDisablesCoreDumps() {
        XCTAssertNil(ProcessHardening.apply())
        XCTAssertTrue(ProcessHardening.ignoresSIGPIPE)
        XCTAssertFalse(ProcessHardening.isDumpable)
        var limit = rlimit()
        XCTAssertEqual(getrlimit(Int32(RLIMIT_CORE.rawValue), &limit), 0)
        XCTAssertEqual(limit.rlim_cur, 0)
        // A write to a closed pipe is now EPIPE, not a signal.
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        close(fds[0])
        var byte: UInt8 = 1
        XCTAssertEqual(write(fds[1], &byte, 1), -1)
        XCTAssertEqual(errno, EPIPE)
        close(fds[1])
    }
}
