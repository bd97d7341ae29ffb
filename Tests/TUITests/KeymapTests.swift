import Foundation
import TUI
import XCTest

/// The keymap is the one source: the help screen, the hint bar and docs/KEYBINDINGS.md come from it.
final class KeymapTests: XCTestCase {
    private static let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/KEYBINDINGS.md")

    func testKeybindingsDocumentMatchesTheKeymap() {
        Snapshot.assertText(KeybindingsDocument.markdown(), at: Self.document)
    }

    func testHelpListsEveryBindingOfEveryScope() {
        let text = HelpScreen.lines(box: .unicode).map { $0.map(\.text).joined() }.joined(separator: "\n")
        for keymap in Keymap.all {
            XCTAssertTrue(text.contains(keymap.scope.title), keymap.scope.title)
            for binding in keymap.bindings {
                XCTAssertTrue(text.contains(binding.description), "\(keymap.scope): \(binding.description)")
            }
        }
    }

    func testNoKeyIsBoundTwiceInAScope() {
        for keymap in Keymap.all {
            var seen: [Key: Action] = [:]
            for binding in keymap.bindings {
                for key in binding.keys {
                    XCTAssertNil(seen[key], "\(keymap.scope): \(key.name()) bound to \(seen[key].map { "\($0)" } ?? "") and \(binding.action)")
                    seen[key] = binding.action
                }
            }
        }
    }

    func testScreensAnswerTheGlobalKeysButDialogsDoNot() {
        XCTAssertEqual(Keymap.gateways.action(for: .character("?")), .help)
        XCTAssertEqual(Keymap.channels.action(for: .character("q")), .quit)
        XCTAssertEqual(Keymap.gateways.action(for: .character("d")), .delete, "a screen's own key wins")
        XCTAssertNil(Keymap.form.action(for: .character("q")))
        XCTAssertNil(Keymap.certificate.action(for: .enter), "Enter is not bound on the certificate prompt")
        XCTAssertNil(Keymap.filter.action(for: .character("q")))
    }

    /// Issue 13, item 5: a key meant for another screen (`a` adds a gateway) must never trust, so the keys that
    /// trust are bound nowhere else.
    func testTheKeysThatTrustMeanNothingElseAnywhere() {
        let trusting = Keymap.certificate.bindings.filter { $0.action == .trustOnce || $0.action == .trustAlways }.flatMap(\.keys)
        XCTAssertEqual(trusting.count, 2)
        for keymap in Keymap.all where keymap.scope != .certificate {
            for key in trusting {
                XCTAssertNil(keymap.action(for: key), "\(key) trusts on the prompt and means something in \(keymap.scope)")
            }
        }
    }

    func testHintBarIsGeneratedFromTheKeymap() {
        var grid = ScreenGrid(width: 80, height: 1)
        KeyHintBar.draw(.certificate, y: 0, into: &grid, box: .unicode)
        XCTAssertEqual(grid.text(), " o connect once  t always trust  c/Esc cancel")
        XCTAssertEqual(grid[1, 0].role, .keyHint)
        XCTAssertEqual(grid[3, 0].role, .hintText)
        var narrow = ScreenGrid(width: 30, height: 1)
        KeyHintBar.draw(.gateways, y: 0, into: &narrow, box: .ascii)
        XCTAssertEqual(narrow.text(), " Enter connect  / filter", "what does not fit is left off")
    }
}
