/// One column of a table: its heading, width and alignment.
public struct TableColumn: Sendable, Equatable {
    public var title: String
    public var width: Int
    public var alignRight: Bool

    public init(_ title: String, width: Int, alignRight: Bool = false) {
        self.title = title
        self.width = max(0, width)
        self.alignRight = alignRight
    }

    /// A table row: each cell fitted to its column, one space between columns.
    public static func row(_ cells: [Span], _ columns: [TableColumn], ellipsis: Character = "…") -> [Span] {
        var spans: [Span] = []
        for (index, column) in columns.enumerated() {
            let cell = index < cells.count ? cells[index] : Span("")
            if index > 0 { spans.append(Span(" ")) }
            spans.append(Span(TextLayout.fit(cell.text, column.width, alignRight: column.alignRight, ellipsis: ellipsis),
                              cell.role))
        }
        return spans
    }

    /// The headings, in the header role.
    public static func header(_ columns: [TableColumn]) -> [Span] {
        row(columns.map { Span($0.title, .header) }, columns)
    }
}
