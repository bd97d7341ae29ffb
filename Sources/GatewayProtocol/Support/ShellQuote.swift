import Foundation

/// Quotes a value for a POSIX shell, the form openconnect's `--authenticate` output uses (`KEY='value'`).
public enum ShellQuote {
    public static func quote(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
