/// Semantic colour roles; a theme maps each to colours and attributes (DESIGN.md §5).
public enum ColorRole: String, Sendable, CaseIterable, Codable {
    case normal, title, dim, selection, statusOK, statusWarn, statusError, keyHint
}
