import Foundation
import TUI
import XCTest

/// Golden screen tests (tig's `:save-display`): the grid's text is compared with Snapshots/NAME.txt, found from
/// this file's path (no bundle resources). With SNAPSHOT_RECORD=1 the actual text is written instead.
enum Snapshot {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    static var isRecording: Bool { ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1" }

    static func assert(_ grid: ScreenGrid, named name: String, file: StaticString = #filePath, line: UInt = #line) {
        assertText(grid.text() + "\n", at: directory.appendingPathComponent(name + ".txt"), file: file, line: line)
    }

    /// Compares (or records) any generated text file, e.g. docs/KEYBINDINGS.md.
    static func assertText(_ actual: String, at url: URL, file: StaticString = #filePath, line: UInt = #line) {
        if isRecording {
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try actual.write(to: url, atomically: true, encoding: .utf8)
            } catch {
                XCTFail("cannot record \(url.path): \(error)", file: file, line: line)
            }
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            XCTFail("no snapshot at \(url.path); run with SNAPSHOT_RECORD=1 to record it", file: file, line: line)
            return
        }
        if expected != actual {
            XCTFail("\(url.lastPathComponent) differs (- expected, + actual; SNAPSHOT_RECORD=1 re-records):\n"
                    + diff(expected, actual), file: file, line: line)
        }
    }

    /// The lines that differ, numbered, with a little context.
    static func diff(_ expected: String, _ actual: String) -> String {
        let old = expected.components(separatedBy: "\n"), new = actual.components(separatedBy: "\n")
        var out: [String] = []
        for index in 0..<max(old.count, new.count) {
            let a = index < old.count ? old[index] : nil
            let b = index < new.count ? new[index] : nil
            guard a != b else { continue }
            let number = String(format: "%3d", index + 1)
            if let a { out.append("\(number) - |\(a)|") }
            if let b { out.append("\(number) + |\(b)|") }
        }
        return out.joined(separator: "\n")
    }
}
