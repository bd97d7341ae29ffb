import Foundation
import GatewayProtocol
import Synchronization

/// Asks one question on the terminal (stderr), with echo off for secrets. The terminal's settings are put back
/// however the process ends (a stop while a password is asked must not leave echo off).
enum TerminalPrompt {
    private static let saved = Mutex<termios?>(nil)
    private static let restoreAtExit: Void = { atexit { TerminalPrompt.restore() } }()

    static func ask(_ label: String, echo: Bool) -> String? {
        StandardStreams.err(GatewayText.printable(label.hasSuffix(" ") ? label : label + " "))
        var settings = termios()
        let hasTerminal = tcgetattr(STDIN_FILENO, &settings) == 0
        if !echo && hasTerminal {
            var quiet = settings
            quiet.c_lflag &= ~tcflag_t(ECHO)
            let original = settings
            saved.withLock { $0 = original }
            _ = restoreAtExit
            tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        }
        defer {
            if !echo && hasTerminal {
                restore()
                StandardStreams.err("\n")
            }
        }
        return readLine(strippingNewline: true)
    }

    /// Puts back the settings changed for a secret, if any are changed.
    static func restore() {
        guard var original = saved.withLock({ value -> termios? in defer { value = nil }; return value }) else { return }
        tcsetattr(STDIN_FILENO, TCSANOW, &original)
    }
}
