import Engine
import QRCode

/// The single sign-on box over the phases: the URL to open, what to do (and the ssh -L hint over SSH), the QR
/// code of the URL, and the time left; Esc gives up (TUIModel).
public enum SSOPanel {
    public static func render(_ step: SSOStep, now: Double, into grid: inout ScreenGrid, theme: Theme) {
        let area = max(20, grid.width - 4)
        let qrRows: [String] = step.qrCode.map { qrLines($0, theme: theme) } ?? []
        let width = min(area, max(64, (qrRows.first?.count ?? 0) + 4))
        let text = width - 4
        let url = TextLayout.wrap(step.progress.loginURL, width: text)
        let instructions = TextLayout.wrap(step.progress.instructions, width: text)
        let message = step.progress.message.map { TextLayout.wrap($0, width: text) } ?? []
        let fixed: Int = 1 + url.count + 1 + instructions.count + message.count + 2
        let room: Int = grid.height - 4 - fixed
        let showQR = !qrRows.isEmpty && qrRows.count + 1 <= room
        let qrHeight: Int = showQR ? qrRows.count + 1 : 1
        let height: Int = fixed + qrHeight + 2
        let inside = DialogFrame.draw(title: "Single sign-on (\(step.progress.mode.rawValue) browser)", width: width,
                                      height: height, into: &grid, box: theme.box)
        var y = inside.y
        func line(_ text: String, _ role: ColorRole, x: Int? = nil) {
            guard y < inside.maxY else { return }
            grid.put(text, x: x ?? inside.x, y: y, role: role, limit: inside.maxX)
            y += 1
        }
        line("Open this URL to log in:", .label)
        for piece in url { line(piece, .normal) }
        y += 1
        for piece in instructions { line(piece, .dim) }
        for piece in message { line(piece, .statusWarn) }
        if showQR {
            y += 1
            let left = inside.x + max(0, (inside.width - (qrRows.first?.count ?? 0)) / 2)
            for row in qrRows { line(row, .dialog, x: left) }
        } else if !qrRows.isEmpty {
            line("(the window is too small for the QR code of this URL)", .dim)
        }
        y += 1
        let left = step.secondsLeft(now: now)
        line("\(left / 60):\(String(left % 60).leftPadded(to: 2)) left · Esc cancels", .statusActive)
    }

    /// Two module rows per text row in half blocks, with the 2-module quiet zone a scanner needs. Dark modules
    /// must come out dark: on a light theme they are the blocks, elsewhere the terminal's dark background is.
    static func qrLines(_ code: QRCodeMatrix, theme: Theme) -> [String] {
        let quiet = 2
        let size = code.size + 2 * quiet
        let blocksAreDark = theme.name == "light"
        func ink(_ x: Int, _ y: Int) -> Bool {
            let mx = x - quiet, my = y - quiet
            let dark = mx >= 0 && my >= 0 && mx < code.size && my < code.size && code.isDark(x: mx, y: my)
            return dark == blocksAreDark
        }
        var rows: [String] = []
        var y = 0
        while y < size {
            var row = ""
            for x in 0..<size {
                let top = ink(x, y), bottom = y + 1 < size ? ink(x, y + 1) : !blocksAreDark
                switch (top, bottom) {
                case (true, true): row.append("█")
                case (true, false): row.append("▀")
                case (false, true): row.append("▄")
                case (false, false): row.append(" ")
                }
            }
            rows.append(row)
            y += 2
        }
        return rows
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
