import Foundation
import XCTest

extension LabTestCase {
    /// gnome-keyring-daemon and dbus-run-session, or the fix (a failure where lab tests are required).
    static func checkKeyringTools() throws {
        let missing = ["/usr/bin/gnome-keyring-daemon", "/usr/bin/dbus-run-session", "/usr/bin/dbus-send"]
            .filter { !FileManager.default.isExecutableFile(atPath: $0) }
        guard !missing.isEmpty else { return }
        let message = "\(missing.joined(separator: ", ")) missing: run `sudo scripts/lab/lab.sh install` "
            + "(it installs gnome-keyring and dbus-bin)"
        let env = ProcessInfo.processInfo.environment
        if env["SWIFTGATE_LAB"] == "required" || env["CI"] == "true" { throw LabError("lab prerequisite missing: \(message)") }
        throw XCTSkip("SKIPPED LAB TEST: \(message)")
    }

    /// Run by `bash -c SCRIPT RUNTIME_DIR keyring|bare` inside `dbus-run-session`, the unlock password on stdin:
    /// starts an unlocked gnome-keyring (or not: `bare`), waits until the Secret Service owns its name, prints
    /// `BUS=address` and stays until killed.
    static let keyringScript = """
        set -eu
        export XDG_RUNTIME_DIR="$0"
        if [ "$1" = bare ]; then echo "BUS=$DBUS_SESSION_BUS_ADDRESS"; exec sleep 900; fi
        IFS= read -r unlock
        printf '%s' "$unlock" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
        gnome-keyring-daemon --start --components=secrets >/dev/null
        for _ in $(seq 100); do
            dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \\
                org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true' && break
            sleep 0.1
        done
        echo "BUS=$DBUS_SESSION_BUS_ADDRESS"
        exec sleep 900
        """

    /// A session bus with an unlocked keyring in the client namespace; returns its address once the Secret
    /// Service owns its name. The bus (and the keyring daemon, which leaves with it) end with the test.
    /// `keyring: false`: the bus alone (D-Bus could still activate gnome-keyring on demand, which must not count).
    func startKeyring(_ lab: LabGateway, keyring: Bool = true) throws -> String {
        let runtime = lab.stateDirectory + "/keyring-run"
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let script = Self.keyringScript
        let session = try launch(["ip", "netns", "exec", lab["CLIENT_NS"], "dbus-run-session", "--", "/bin/bash", "-c",
                                  script, runtime, keyring ? "keyring" : "bare"], stdin: "keyring-unlock-pw\n")
        try session.waitForOutput("BUS=", timeout: 30)
        let line = session.stdoutSoFar.split(separator: "\n").first { $0.hasPrefix("BUS=") }
        return String(try XCTUnwrap(line).dropFirst(4))
    }

}
