/// A one-line chart of recent values (rates), scaled to their maximum, newest at the right.
public enum Sparkline {
    public static func render(_ values: [Double], width: Int, box: BoxStyle) -> String {
        guard width > 0 else { return "" }
        let shown = Array(values.suffix(width))
        let top = shown.max() ?? 0
        let levels = box.levels
        let line = shown.map { value -> Character in
            guard top > 0, value > 0 else { return levels[0] }
            let level = Int((value / top * Double(levels.count - 1)).rounded(.up))
            return levels[max(0, min(levels.count - 1, level))]
        }
        return String(repeating: " ", count: width - line.count) + String(line)
    }
}
