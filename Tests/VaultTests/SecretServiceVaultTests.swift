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

    func testABusThatNeverAnswersIsUnavailableWithinTheDeadline() throws {
        // A socket that takes the connection (the backlog) and never says a word: the probe gives up in time.
        let path = NSTemporaryDirectory() + "silent-bus-" + UUID().uuidString.prefix(8)
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(listener, 0)
        defer {
            close(listener)
            unlink(path)
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() where index < buffer.count - 1 { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        XCTAssertEqual(bound, 0)
        XCTAssertEqual(listen(listener, 4), 0)
        setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + path, 1)
        defer { unsetenv("DBUS_SESSION_BUS_ADDRESS") }
        let started = Date()
        let vault = SecretServiceVault(environment: ["DBUS_SESSION_BUS_ADDRESS": "unix:path=" + path], probeTimeout: 0.3)
        XCTAssertFalse(vault.isAvailable)
        XCTAssertLessThan(Date().timeIntervalSince(started), 2.5, vault.unavailableReason ?? "")
        XCTAssertTrue(vault.unavailableReason?.contains("did not answer") == true, vault.unavailableReason ?? "")
    }
}
