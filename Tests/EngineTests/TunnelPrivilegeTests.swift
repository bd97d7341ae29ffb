@testable import Engine
import Glibc
import XCTest

/// The tun privilege is read from the capability set, not proven by creating a device (issue 12, item 4).
final class TunnelPrivilegeTests: XCTestCase {
    private func status(capEff: String) -> String {
        "Name:\tswiftgate\nUmask:\t0022\nCapInh:\t0000000000000000\nCapPrm:\t\(capEff)\nCapEff:\t\(capEff)\nCapBnd:\t000001ffffffffff\n"
    }

    func testRootsFullSetHoldsNetAdmin() {
        XCTAssertEqual(TunnelPrivilege.hasNetAdmin(status: status(capEff: "000001ffffffffff")), true)
    }

    func testOnlyNetAdminIsEnough() {
        XCTAssertEqual(TunnelPrivilege.effectiveCapabilities(status: status(capEff: "0000000000001000")), 0x1000)
        XCTAssertEqual(TunnelPrivilege.hasNetAdmin(status: status(capEff: "0000000000001000")), true)
    }

    func testAnEmptySetOrOtherCapabilitiesAreNot() {
        XCTAssertEqual(TunnelPrivilege.hasNetAdmin(status: status(capEff: "0000000000000000")), false)
        // CAP_NET_RAW (13) and CAP_NET_BIND_SERVICE (10), but not 12.
        XCTAssertEqual(TunnelPrivilege.hasNetAdmin(status: status(capEff: "0000000000002400")), false)
    }

    func testAStatusWithoutAReadableCapEffDecidesNothing() {
        XCTAssertNil(TunnelPrivilege.hasNetAdmin(status: "Name:\tx\n"))
        XCTAssertNil(TunnelPrivilege.hasNetAdmin(status: status(capEff: "zz")))
        XCTAssertNil(TunnelPrivilege.hasNetAdmin(status: status(capEff: "1" + String(repeating: "0", count: 16))))
    }

    /// This process: root passes (and no tun appears); anyone else is refused with the exit-7 message.
    func testTheCheckMatchesThisProcess() throws {
        if geteuid() == 0 {
            XCTAssertNoThrow(try ConnectionEngine.checkTunnelPrivilege())
        } else {
            XCTAssertThrowsError(try ConnectionEngine.checkTunnelPrivilege()) { error in
                XCTAssertEqual((error as? EngineError)?.exitCode, 7, "\(error)")
                XCTAssertTrue(String(describing: error).contains("CAP_NET_ADMIN"), "\(error)")
            }
        }
    }
}
