import Foundation

/// Asks one question on the terminal (stderr), with echo off for secrets.
enum TerminalPrompt {
    static func ask(_ label: String, echo: Bool) -> String? {
        FileHandle.standardError.write(Data((label.hasSuffix(" ") ? label : label + " ").utf8))
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
                FileHandle.standardError.write(Data("\n".utf8))
            }
        }
        return readLine(strippingNewline: true)
    }
}
