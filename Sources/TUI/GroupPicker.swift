import GatewayProtocol

/// The group (alias) picker: the gateway's options, its default preselected; Enter chooses, Esc cancels.
public struct GroupPicker: Sendable, Equatable {
    public var choice: GroupChoice
    public var selection: ListSelection

    public init(_ choice: GroupChoice) {
        self.choice = choice
        let preferred = choice.defaultOption.flatMap { option in choice.options.firstIndex { $0.value == option.value } }
        selection = ListSelection(index: preferred ?? choice.options.firstIndex(where: \.selected) ?? 0)
    }

    public mutating func handle(_ key: Key) -> DialogResult<FormOption> {
        guard let action = Keymap.groupPicker.action(for: key) else { return .pending }
        switch action {
        case .select:
            guard choice.options.indices.contains(selection.index) else { return .pending }
            return .done(choice.options[selection.index])
        case .cancel:
            return .cancelled
        default:
            selection.handle(action, count: choice.options.count)
            return .pending
        }
    }

    public func render(into grid: inout ScreenGrid, theme: Theme) {
        let box = theme.box
        let message = choice.message ?? choice.label
        let longest = choice.options.map { min(28, $0.label.count) + $0.value.count + 13 }.max() ?? 0
        let width = min(64, grid.width - 4, max(36, longest + 6, message.count + 4))
        let messageLines = TextLayout.wrap(message, width: width - 4)
        let height = messageLines.count + min(choice.options.count, 12) + 4
        let inside = DialogFrame.draw(title: "Choose a group", width: width, height: height, into: &grid, box: box)
        for (offset, line) in messageLines.enumerated() {
            grid.put(line, x: inside.x, y: inside.y + offset, role: .dialog)
        }
        let labelWidth = max(8, min(28, choice.options.map(\.label.count).max() ?? 8))
        let defaultValue = choice.defaultOption?.value
        let rows: [[Span]] = choice.options.map { option in
            var row = [Span(TextLayout.fit(option.label, labelWidth, ellipsis: box.ellipsis) + "  ", .dialog),
                       Span(option.value, .dim)]
            if option.value == defaultValue { row.append(Span("  (default)", .label)) }
            return row
        }
        let list = Rect(x: inside.x, y: inside.y + messageLines.count + 1, width: inside.width,
                        height: inside.height - messageLines.count - 1)
        ListView.draw(rows, selection: selection, in: list, into: &grid, box: box)
    }
}
