import Foundation
import XCTest

/// Saved passwords in the full-screen interface (issue 15, item 5): the login dialog's toggle where a Secret
/// Service runs (gnome-keyring-daemon in a dbus-run-session), the saved password answering the next login with
/// no dialog, and `P` on the gateways screen forgetting it.
final class SavedPasswordTUILabTests: LabTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        try Self.checkKeyringTools()
    }

    func testTheToggleSavesTheNextLoginAsksNothingAndPForgetsIt() throws {
        let lab = try start()
        let bus = try startKeyring(lab)
        let database = lab.stateDirectory + "/tui.sqlite"
        XCTAssertEqual(try lab.swiftgate(["gateways", "add", "lab", lab["URL"], "--user", "alice", "--group", "Engineering", "--db", database]).exitCode, 0)
        let environment = "DBUS_SESSION_BUS_ADDRESS='\(bus)' XDG_STATE_HOME='\(lab.stateDirectory)/xdg-state'"

        // 1. Typed once, with the toggle on.
        var screen: TmuxScreen? = try TmuxScreen(lab, database: database, arguments: "--cafile \(lab["CA_FILE"])",
                                                  environment: environment)
        try screen!.waitFor("Gateways (1)")
        try screen!.keys("Enter")
        try screen!.waitFor("Username: alice")
        try screen!.keys("Enter")
        let dialog = try screen!.waitFor("Password:")
        XCTAssertTrue(dialog.contains("[ ] Save the password in the keyring (Ctrl-S)"), dialog)
        try screen!.type(lab["ALICE_PASS"])
        try screen!.keys("C-s")
        try screen!.waitFor("[x] Save the password")
        try screen!.keys("Enter")
        try screen!.waitFor("carries data", timeout: 30)
        try screen!.waitFor("saved in the Secret Service")
        XCTAssertTrue(try screen!.quit().contains("swiftgate exited with 0"))
        screen = nil

        // 2. The next login: the user name's dialog only (ocserv asks it first), never the password's.
        screen = try TmuxScreen(lab, database: database, arguments: "--cafile \(lab["CA_FILE"])", environment: environment)
        try screen!.waitFor("Gateways (1)")
        try screen!.keys("Enter")
        try screen!.waitFor("Username: alice")
        try screen!.keys("Enter")
        let connected = try screen!.waitFor("carries data", timeout: 30)
        XCTAssertFalse(connected.contains("Password:"), connected)
        try screen!.waitFor("using the saved password of alice")

        // 3. P on the gateways screen forgets it.
        try screen!.keys("Escape")
        try screen!.waitFor("Gateways (1)")
        try screen!.keys("P")
        try screen!.keys("2")  // the note is in the log, under the phases
        try screen!.waitFor("forgot the saved password of lab")
        XCTAssertTrue(try screen!.quit().contains("swiftgate exited with 0"))
        screen = nil

        // Forgotten: the password is asked again.
        screen = try TmuxScreen(lab, database: database, arguments: "--cafile \(lab["CA_FILE"])", environment: environment)
        try screen!.waitFor("Gateways (1)")
        try screen!.keys("Enter")
        try screen!.waitFor("Username: alice")
        try screen!.keys("Enter")
        try screen!.waitFor("Password:")
        _ = try screen!.quit()
    }
}
