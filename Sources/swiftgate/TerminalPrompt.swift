import Foundation
import GatewayProtocol

/// Asks one question on the terminal (stderr), with echo off for secrets.
enum TerminalPrompt {
    static func ask(_ label: String, echo: Bool) -> String? {
        StandardStreams.err(GatewayText.printable(label.hasSuffix(" ") ? label : label + " "))
        var saved = termios()
        let hasTerminal = tcgetattr(STDIN_FILENO, &saved) == 0
        if !echo && hasTerminal {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        }
        defer {
            if !echo && hasTerminal {
                tcsetattr(STDIN_FILENO, TCSANOW, &saved)
                StandardStreams.err("\n")
            }
        }
        return readLine(strippingNewline: true)
    }
}
