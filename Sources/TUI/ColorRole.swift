/// Semantic colour roles; a theme maps each to colours and attributes (DESIGN.md §5, after htop's
/// `ColorElements`). Widgets and screens name roles only, never colours, so a theme can restyle everything.
public enum ColorRole: String, Sendable, CaseIterable, Codable {
    /// Body text.
    case normal
    /// Secondary text: timestamps, pending phases, units.
    case dim
    /// The title bar across the top row.
    case title
    /// A screen tab in the title bar, and the current one.
    case tab, tabActive
    /// Panel frames and their titles.
    case border, panelTitle
    /// Table column headings.
    case header
    /// The selected row of a list.
    case selection
    /// Field labels in detail panes ("Cipher", "Routes").
    case label
    /// States, always next to a glyph and a word (no state by colour alone).
    case statusOK, statusWarn, statusError, statusActive
    /// The key-hint bar: the keys, and the words after them.
    case keyHint, hintText
    /// Form inputs, and the focused one.
    case input, inputFocus
    /// Modal dialogs: body and frame.
    case dialog, dialogBorder
    /// Sparklines.
    case graph
}
