import Vault
import XCTest

/// The Secret Service vault where there is none: unavailable, quickly, and saying why. (The real service is
/// exercised by SavedPasswordLabTests, against gnome-keyring-daemon in a dbus-run-session.)
final class SecretServiceVaultTests: XCTestCase {
    func testNoSessionBusIsUnavailableAtOnce() throws {
        let started = Date()
        let vault = SecretServiceVault(environment: [:])
        XCTAssertFalse(vault.isAvailable)
        XCTAssertTrue(vault.unavailableReason?.contains("DBUS_SESSION_BUS_ADDRESS") == true, vault.unavailableReason ?? "")
        XCTAssertLessThan(Date().timeIntervalSince(started), 1)
        XCTAssertThrowsError(try vault.password(gateway: "h:443", user: "alice")) { error in
            XCTAssertTrue("\(error)".contains("cannot be saved here"), "\(error)")
        }
    }

    func testADeadBusAddressIsUnavailableWithinTheProbeTimeout() throws {
        // A socket path nobody listens on: the probe fails without waiting out the deadline.
        let path = NSTemporaryDirectory() + "no-bus-" + UUID().uuidString
        setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + path, 1)
        defer { unsetenv("DBUS_SESSION_BUS_ADDRESS") }
        let started = Date()
        let vault = SecretServiceVault(environment: ["DBUS_SESSION_BUS_ADDRESS": "unix:path=" + path], probeTimeout: 2)
        XCTAssertFalse(vault.isAvailable)
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
    }
}
