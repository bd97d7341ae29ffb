import ArgumentParser
import Foundation
import Store
import TUI

struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "The full-screen interface (the default)."
    )

    @OptionGroup var store: StoreOptions

    @OptionGroup var sso: SSOOptions

    @Option(help: "Theme: dark (default), light, high-contrast, monochrome, or one in the user's themes directory.")
    var theme: String?

    @Flag(name: .customLong("no-color"), help: "Monochrome.")
    var noColor = false

    @Option(help: "Extra trust anchors (PEM file) for every connection.")
    var cafile: String?

    func run() throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw ValidationError("the full-screen interface needs a terminal; for scripts use 'swiftgate connect'")
        }
        let environment = ProcessInfo.processInfo.environment
        let selection = ThemeSelection.resolve(name: theme, noColor: noColor, environment: environment,
                                               userDirectory: ThemeSelection.userThemesDirectory(environment: environment))
        let app = TUIApp(store: try store.open(), theme: selection.theme, caFile: cafile, sso: sso)
        app.run(note: selection.problem.map { "theme: \($0); using \(selection.theme.name)" })
    }
}
