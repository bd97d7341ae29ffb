/// The four shipped themes, compiled in (themes/*.json are their documented copies; a test keeps them equal).
extension Theme {
    private static func s(_ fg: ThemeColor, _ bg: ThemeColor = .default, _ attrs: TextAttribute...) -> RoleStyle {
        RoleStyle(fg: fg, bg: bg, attrs: attrs)
    }

    /// Light text on the terminal's own (dark) background, htop-like bars. The default.
    public static let dark = Theme(name: "dark", description: "For dark terminals: htop-like bars (the default).", styles: [
        .normal: s(.default), .dim: s(.brightBlack), .title: s(.brightWhite, .blue, .bold),
        .tab: s(.white, .blue), .tabActive: s(.black, .cyan, .bold), .border: s(.blue),
        .panelTitle: s(.brightCyan, .default, .bold), .header: s(.black, .green), .selection: s(.black, .cyan),
        .label: s(.cyan), .statusOK: s(.brightGreen, .default, .bold), .statusWarn: s(.brightYellow, .default, .bold),
        .statusError: s(.brightRed, .default, .bold), .statusActive: s(.brightCyan, .default, .bold),
        .keyHint: s(.brightWhite, .black, .bold), .hintText: s(.black, .cyan), .input: s(.default, .default, .underline),
        .inputFocus: s(.black, .yellow), .dialog: s(.default), .dialogBorder: s(.brightYellow, .default, .bold),
        .graph: s(.green),
    ])

    /// Dark text for light terminals; no yellow text (unreadable on white).
    public static let light = Theme(name: "light", description: "For light terminals.", styles: [
        .normal: s(.default), .dim: s(.brightBlack), .title: s(.white, .blue, .bold), .tab: s(.white, .blue),
        .tabActive: s(.blue, .white, .bold), .border: s(.blue), .panelTitle: s(.blue, .default, .bold),
        .header: s(.white, .brightBlack), .selection: s(.white, .blue), .label: s(.blue),
        .statusOK: s(.green, .default, .bold), .statusWarn: s(.black, .yellow), .statusError: s(.red, .default, .bold),
        .statusActive: s(.magenta, .default, .bold), .keyHint: s(.white, .black, .bold), .hintText: s(.black, .white),
        .input: s(.default, .default, .underline), .inputFocus: s(.white, .blue), .dialog: s(.default),
        .dialogBorder: s(.magenta, .default, .bold), .graph: s(.blue),
    ])

    /// Bright colours on black, bold states, for low vision and washed-out projectors.
    public static let highContrast = Theme(name: "high-contrast", description: "Bright on black, bold states.", styles: [
        .normal: s(.brightWhite, .black), .dim: s(.white, .black), .title: s(.black, .brightWhite, .bold),
        .tab: s(.black, .brightWhite), .tabActive: s(.brightWhite, .black, .bold, .reverse),
        .border: s(.brightWhite, .black), .panelTitle: s(.brightYellow, .black, .bold),
        .header: s(.black, .brightYellow, .bold), .selection: s(.black, .brightYellow, .bold),
        .label: s(.brightCyan, .black, .bold), .statusOK: s(.brightGreen, .black, .bold),
        .statusWarn: s(.brightYellow, .black, .bold), .statusError: s(.brightRed, .black, .bold),
        .statusActive: s(.brightCyan, .black, .bold), .keyHint: s(.black, .brightYellow, .bold),
        .hintText: s(.brightWhite, .black), .input: s(.brightWhite, .black, .underline),
        .inputFocus: s(.black, .brightWhite, .bold), .dialog: s(.brightWhite, .black),
        .dialogBorder: s(.brightYellow, .black, .bold), .graph: s(.brightGreen, .black),
    ])

    /// Attributes only: what NO_COLOR, TERM=dumb and --no-color get.
    public static let monochrome = Theme(name: "monochrome", description: "No colour: bold, reverse and underline only.", styles: [
        .normal: s(.default), .dim: s(.default, .default, .dim), .title: s(.default, .default, .reverse),
        .tab: s(.default, .default, .reverse), .tabActive: s(.default, .default, .bold),
        .border: s(.default), .panelTitle: s(.default, .default, .bold), .header: s(.default, .default, .underline),
        .selection: s(.default, .default, .reverse), .label: s(.default, .default, .bold),
        .statusOK: s(.default, .default, .bold), .statusWarn: s(.default, .default, .bold),
        .statusError: s(.default, .default, .bold, .underline), .statusActive: s(.default, .default, .bold),
        .keyHint: s(.default, .default, .bold), .hintText: s(.default, .default, .reverse),
        .input: s(.default, .default, .underline), .inputFocus: s(.default, .default, .reverse),
        .dialog: s(.default), .dialogBorder: s(.default, .default, .bold), .graph: s(.default),
    ])

    public static let builtIn: [Theme] = [dark, light, highContrast, monochrome]

    public static func builtIn(named name: String) -> Theme? {
        builtIn.first { $0.name == name }
    }
}
