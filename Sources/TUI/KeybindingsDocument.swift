/// docs/KEYBINDINGS.md, generated from the keymaps (lazygit's cheatsheet): a test fails when the file and
/// `Keymap.all` disagree, and rewrites it with SNAPSHOT_RECORD=1.
public enum KeybindingsDocument {
    public static func markdown() -> String {
        var lines = [
            "# Key bindings",
            "",
            "Generated from `Keymap.all` in `Sources/TUI/Keymap.swift`; do not edit by hand. `KeymapTests` fails",
            "when this file and the keymap differ; `SNAPSHOT_RECORD=1 swift test --filter TUITests.KeymapTests`",
            "rewrites it. The help screen (`?`) and the hint bar are generated from the same tables.",
            "",
            "Keys marked \"hint\" appear in the bottom bar of their screen or dialog. On the certificate prompt only",
            "`o`, `t` and `c`/`Esc` answer, and only once it has been on screen for a second: Enter never trusts a",
            "certificate, the keys that trust mean nothing on any other screen, and a key typed as the prompt opens is",
            "ignored.",
        ]
        for keymap in Keymap.all {
            lines += ["", "## \(keymap.scope.title)", ""]
            if keymap.scope.includesGlobalKeys { lines += ["The keys of *Every screen* work here too.", ""] }
            lines += ["| Keys | Action | Hint |", "|---|---|---|"]
            for binding in keymap.bindings {
                let keys = binding.keys.map { "`\($0.name().replacingPipe)`" }.joined(separator: " ")
                let hint = binding.showInHints ? (binding.hint ?? binding.description) : ""
                lines.append("| \(keys) | \(binding.description) | \(hint) |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

private extension String {
    /// A `|` inside a table cell would end it.
    var replacingPipe: String { self == "|" ? "\\|" : self }
}
