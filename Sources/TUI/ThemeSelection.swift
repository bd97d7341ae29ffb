import Foundation

/// Which theme and frame characters to use, from the `--theme` name, `--no-color` and the environment.
public struct ThemeSelection: Sendable, Equatable {
    public var theme: Theme
    /// Set when the asked-for theme could not be used and the default stands in: show it once.
    public var problem: ThemeError?

    public static let defaultName = "dark"

    public init(theme: Theme, problem: ThemeError? = nil) {
        self.theme = theme
        self.problem = problem
    }

    /// Monochrome when colour is refused (`--no-color`, a non-empty `NO_COLOR`, `TERM=dumb`); otherwise the
    /// named theme (default "dark") from `userDirectory` or the built-ins, falling back to the default with
    /// the problem reported. ASCII frames when the terminal or locale cannot show line drawing.
    public static func resolve(name: String?, noColor: Bool, environment: [String: String],
                               userDirectory: String? = nil) -> ThemeSelection {
        var selection: ThemeSelection
        if refusesColor(noColor: noColor, environment: environment) {
            selection = ThemeSelection(theme: .monochrome)
        } else {
            switch ThemeLoader.load(name: name ?? defaultName, userDirectory: userDirectory) {
            case .success(let theme): selection = ThemeSelection(theme: theme)
            case .failure(let error): selection = ThemeSelection(theme: .dark, problem: error)
            }
        }
        selection.theme.box = prefersASCII(environment: environment) ? .ascii : .unicode
        return selection
    }

    /// https://no-color.org: `NO_COLOR` present and not empty; also a dumb terminal, and the flag.
    public static func refusesColor(noColor: Bool, environment: [String: String]) -> Bool {
        noColor || !(environment["NO_COLOR"] ?? "").isEmpty || environment["TERM"] == "dumb"
    }

    /// A dumb terminal, or a locale that is not UTF-8 (LC_ALL, then LC_CTYPE, then LANG; none means "C").
    public static func prefersASCII(environment: [String: String]) -> Bool {
        if environment["TERM"] == "dumb" { return true }
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? "C"
        let lowered = locale.lowercased()
        return !(lowered.contains("utf-8") || lowered.contains("utf8"))
    }

    /// `${XDG_CONFIG_HOME:-~/.config}/swiftgate/themes` (DESIGN.md §3); nil without a home to put it in.
    public static func userThemesDirectory(environment: [String: String]) -> String? {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return config + "/swiftgate/themes"
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.config/swiftgate/themes"
    }
}
