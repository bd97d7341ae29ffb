/// Text for one line of the log file (issue 13, item 4): a message may carry gateway text, so every control
/// character is written as an escape (`\n`, `\r`, `\t`, `\u{1B}`, …) and a backslash as `\\`; a line is then
/// always one line, and no escape sequence reaches a terminal that shows the file.
public enum LogText {
    public static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                switch scalar.properties.generalCategory {
                case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse:
                    result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                default:
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
