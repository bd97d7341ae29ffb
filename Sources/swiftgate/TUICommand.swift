import ArgumentParser
import Engine
import Foundation
import Service
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
        let database = try store.open()
        defer { database.checkpoint() }
        // One interface per database: two would both save to it and both bring tunnels up (issue 13, item 13).
        let lock: SessionLock
        do {
            lock = try SessionLock.acquireDatabase(path: database.path)
        } catch {
            FileManager.default.standardError("swiftgate: " + error.description + "\n")
            throw ExitCode(error.exitCode)
        }
        defer { withExtendedLifetime(lock) {} }
        let stale = SessionState.stale(in: RuntimeDirectory.resolve())
        var notes = [selection.problem.map { "theme: \($0); using \(selection.theme.name)" }].compactMap { $0 }
        if let first = stale.first {
            notes.append("a previous \(SessionState.describe(first)) ended without its teardown: run 'swiftgate cleanup'")
        }
        // Through the service (issue 15): as a user always (started through sudo now, before the screen takes the
        // terminal, if none runs); as root when one runs.
        var serviceMode = geteuid() != 0
        let socket = ServiceProtocol.socketPath()
        if serviceMode {
            do {
                if !ServiceClient.isRunning(path: socket) { try ServiceAccess.start(path: socket, reason: "not running") }
            } catch {
                notes.append("\(error)")
            }
        } else {
            serviceMode = ServiceClient.isRunning(path: socket)
        }
        let app = TUIApp(store: database, theme: selection.theme, caFile: cafile, sso: sso, serviceMode: serviceMode)
        app.run(note: notes.isEmpty ? nil : notes.joined(separator: "; "))
    }
}
