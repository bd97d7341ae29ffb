import ArgumentParser
import Foundation
import Terminal
import TUI

struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "The full-screen interface (the default)."
    )

    @Option(help: "Database path.")
    var db: String?

    @Flag(name: .customLong("no-color"), help: "Monochrome.")
    var noColor = false

    func run() throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw ValidationError("the full-screen interface needs a terminal; for scripts use 'swiftgate connect'")
        }
        let terminal = CursesTerminal()
        terminal.start()
        defer { terminal.stop() }
        while true {
            let size = terminal.size
            var grid = ScreenGrid(width: size.width, height: size.height)
            grid.put("Swiftgate", x: 1, y: 0, role: .title)
            grid.put("No saved gateways yet: saving gateways arrives with the store.", x: 1, y: 2)
            grid.put("Connect from the command line:", x: 1, y: 4)
            grid.put("  swiftgate connect https://gateway.example.com --authenticate", x: 1, y: 5)
            grid.put("q quit", x: 1, y: max(0, size.height - 1), role: .keyHint)
            terminal.draw(grid)
            let key = terminal.readKey()
            if key == Int32(UInt8(ascii: "q")) || key == 27 { break }
        }
    }
}
