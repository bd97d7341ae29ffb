import Glibc

/// Words for an errno value.
public enum SystemErrno {
    public static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}
