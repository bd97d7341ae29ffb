/// The client-certificate picker: the gateway asked for a certificate (naming the CAs it trusts), and these
/// files are candidates. Enter uses one; Esc goes on without.
public struct IdentityPicker: Sendable, Equatable {
    public var files: [String]
    /// The CA names from the server's certificate request.
    public var caNames: [String]
    public var selection = ListSelection()

    public init(files: [String], caNames: [String] = []) {
        self.files = files
        self.caNames = caNames
    }

    public mutating func handle(_ key: Key) -> DialogResult<String> {
        guard let action = Keymap.identityPicker.action(for: key) else { return .pending }
        switch action {
        case .select:
            return files.indices.contains(selection.index) ? .done(files[selection.index]) : .pending
        case .cancel:
            return .cancelled
        default:
            selection.handle(action, count: files.count)
            return .pending
        }
    }

    public func render(into grid: inout ScreenGrid, theme: Theme) {
        let box = theme.box
        let width = min(76, grid.width - 4)
        var intro = TextLayout.wrap("The gateway asks for a client certificate.", width: width - 4).map { [Span($0, .dialog)] }
        if !caNames.isEmpty {
            intro.append([Span("It trusts certificates from:", .label)])
            intro += caNames.prefix(4).map { [Span("  " + TextLayout.truncate($0, to: width - 6, ellipsis: box.ellipsis), .dim)] }
        }
        let listHeight = max(1, min(files.count, 10))
        let height = intro.count + listHeight + 4
        let inside = DialogFrame.draw(title: "Choose a client certificate", width: width, height: height,
                                      into: &grid, box: box)
        for (offset, line) in intro.enumerated() where offset < inside.height {
            grid.put(line, x: inside.x, y: inside.y + offset, limit: inside.maxX)
        }
        let list = Rect(x: inside.x, y: inside.y + intro.count + 1, width: inside.width,
                        height: inside.height - intro.count - 1)
        if files.isEmpty {
            grid.put("No certificate files found.", x: list.x + 2, y: list.y, role: .dim)
        } else {
            let rows = files.map { [Span(TextLayout.truncate($0, to: list.width - 3, ellipsis: box.ellipsis), .dialog)] }
            ListView.draw(rows, selection: selection, in: list, into: &grid, box: box)
        }
    }
}
