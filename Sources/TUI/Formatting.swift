/// Numbers as people read them: sizes, rates, durations. Pure and locale-free, so snapshots are stable.
public enum Formatting {
    /// 1536 → "1.5 KiB"; under 1 KiB, "512 B".
    public static func bytes(_ value: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var amount = Double(max(0, value))
        var unit = 0
        while amount >= 1024, unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        if unit == 0 { return "\(Int(amount)) B" }
        return "\(oneDecimal(amount)) \(units[unit])"
    }

    /// Bytes per second: "1.2 MiB/s".
    public static func rate(_ bytesPerSecond: Double) -> String {
        bytes(Int(bytesPerSecond.rounded())) + "/s"
    }

    /// 1234567 → "1,234,567".
    public static func count(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }

    /// A phase duration: "182 ms" below a second, "2.4 s" below a minute, else "1m 05s".
    public static func milliseconds(_ ms: Int) -> String {
        if ms < 1000 { return "\(ms) ms" }
        if ms < 60_000 { return "\(oneDecimal(Double(ms) / 1000)) s" }
        return duration(Double(ms) / 1000)
    }

    /// An uptime: "45s", "3m 07s", "1h 02m 03s", "2d 04h 10m".
    public static func duration(_ seconds: Double) -> String {
        let total = max(0, Int(seconds))
        let (d, h, m, s) = (total / 86_400, total / 3600 % 24, total / 60 % 60, total % 60)
        if d > 0 { return "\(d)d \(twoDigits(h))h \(twoDigits(m))m" }
        if h > 0 { return "\(h)h \(twoDigits(m))m \(twoDigits(s))s" }
        if m > 0 { return "\(m)m \(twoDigits(s))s" }
        return "\(s)s"
    }

    /// A log time relative to the attempt's start: "+12.3s", "+1m 05s".
    public static func offset(_ seconds: Double) -> String {
        let value = max(0, seconds)
        if value < 60 { return "+\(oneDecimal(value))s" }
        return "+" + duration(value)
    }

    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
