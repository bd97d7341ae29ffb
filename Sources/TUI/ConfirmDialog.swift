/// A yes/no question (delete a gateway, disconnect, quit while connected): y or Enter confirms, n or Esc
/// backs out.
public struct ConfirmDialog: Sendable, Equatable {
    public var title: String
    public var message: String

    public init(title: String, message: String) {
        self.title = title
        self.message = message
    }

    public func handle(_ key: Key) -> DialogResult<Bool> {
        switch Keymap.confirm.action(for: key) {
        case .confirm?: .done(true)
        case .deny?: .cancelled
        default: .pending
        }
    }

    public func render(into grid: inout ScreenGrid, theme: Theme) {
        let width = min(56, grid.width - 4, max(30, message.count + 4, title.count + 8))
        let lines = TextLayout.wrap(message, width: width - 4)
        let inside = DialogFrame.draw(title: title, width: width, height: lines.count + 4, into: &grid, box: theme.box)
        for (offset, line) in lines.enumerated() {
            grid.put(line, x: inside.x, y: inside.y + offset, role: .dialog)
        }
        grid.put([Span("[y]", .keyHint), Span(" Yes   ", .dialog), Span("[n]", .keyHint), Span(" No", .dialog)],
                 x: inside.x, y: inside.maxY - 1, limit: inside.maxX)
    }
}
