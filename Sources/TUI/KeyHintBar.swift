/// The bottom line: the focused screen's or dialog's keys, generated from its keymap, with a message at the
/// right when there is one. Hints that do not fit are left off from the end.
public enum KeyHintBar {
    public static func draw(_ keymap: Keymap, y: Int, into grid: inout ScreenGrid, box: BoxStyle,
                            message: Span? = nil) {
        grid.fill(Rect(x: 0, y: y, width: grid.width, height: 1), role: .hintText)
        let messageWidth = message.map { $0.text.count + 2 } ?? 0
        var x = 1
        for binding in keymap.hints {
            let keys = binding.keyNames(box, separator: "/")
            let word = binding.hint ?? binding.description
            let width = keys.count + 1 + word.count
            guard x + width <= grid.width - 1 - messageWidth else { break }
            x = grid.put(keys, x: x, y: y, role: .keyHint)
            x = grid.put(" " + word, x: x, y: y, role: .hintText) + 2
        }
        if let message {
            let text = TextLayout.truncate(message.text, to: max(0, grid.width - x - 1), ellipsis: box.ellipsis)
            grid.put(text, x: grid.width - 1 - text.count, y: y, role: message.role)
        }
    }
}
