/// A colour theme: each role's colours and attributes (htop colour schemes, k9s skins), plus the frame
/// characters the terminal can show. Read from JSON (docs/THEMES.md); the four shipped themes are also built
/// in, so a broken or missing file never leaves the screen without one.
public struct Theme: Sendable, Equatable {
    public var name: String
    public var description: String
    public var styles: [ColorRole: RoleStyle]
    /// Chosen from the terminal and locale by `ThemeSelection`, not by the theme file.
    public var box: BoxStyle

    public init(name: String, description: String = "", styles: [ColorRole: RoleStyle], box: BoxStyle = .unicode) {
        self.name = name
        self.description = description
        self.styles = styles
        self.box = box
    }

    /// A role's style. A role the file leaves out gets the normal role's colours with the monochrome
    /// attributes, so the selection and the title stay distinguishable.
    public func style(for role: ColorRole) -> RoleStyle {
        if let style = styles[role] { return style }
        let normal = styles[.normal] ?? RoleStyle()
        let attrs = Theme.monochrome.styles[role]?.attrs ?? []
        return RoleStyle(fg: normal.fg, bg: normal.bg, attrs: attrs)
    }

    /// False for a theme that only uses attributes (monochrome): the terminal need not start colours.
    public var usesColor: Bool {
        ColorRole.allCases.contains { style(for: $0).fg != .default || style(for: $0).bg != .default }
    }

    /// The distinct (foreground, background) pairs the theme uses, in role order: what a curses driver
    /// registers with `init_pair`, numbering them from 1.
    public var colorPairs: [ColorPair] {
        var pairs: [ColorPair] = []
        for role in ColorRole.allCases {
            let style = style(for: role)
            let pair = ColorPair(fg: style.fg, bg: style.bg)
            if !pairs.contains(pair) { pairs.append(pair) }
        }
        return pairs
    }

    /// The curses pair number (from 1) of a role's colours.
    public func pairNumber(for role: ColorRole) -> Int {
        let style = style(for: role)
        return (colorPairs.firstIndex(of: ColorPair(fg: style.fg, bg: style.bg)) ?? 0) + 1
    }
}
