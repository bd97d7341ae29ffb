import Foundation
import TUI
import XCTest

/// Theme files, the loader's errors, and the choice of theme from flags and environment.
final class ThemeTests: XCTestCase {
    private static let themes = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("themes")

    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tui-themes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    func testShippedFilesAreTheBuiltInThemes() throws {
        for theme in Theme.builtIn {
            let url = Self.themes.appendingPathComponent(theme.name + ".json")
            Snapshot.assertText(theme.jsonText(), at: url)
            XCTAssertEqual(try ThemeLoader.load(path: url.path).get(), theme, theme.name)
        }
    }

    func testEveryFileInThemesLoadsAndDefinesEveryRole() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.themes.path).filter { $0.hasSuffix(".json") }
        XCTAssertEqual(Set(files), ["dark.json", "light.json", "high-contrast.json", "monochrome.json"])
        for file in files {
            let theme = try ThemeLoader.load(path: Self.themes.appendingPathComponent(file).path).get()
            XCTAssertEqual(theme.name + ".json", file)
            for role in ColorRole.allCases { XCTAssertNotNil(theme.styles[role], "\(file) lacks \(role)") }
        }
    }

    func testMonochromeUsesNoColourAndOthersDo() {
        XCTAssertFalse(Theme.monochrome.usesColor)
        XCTAssertTrue(Theme.dark.usesColor)
        XCTAssertEqual(Theme.monochrome.style(for: .selection).attrs, [.reverse])
    }

    func testEmptyFileIsAClearError() {
        XCTAssertEqual(ThemeLoader.decode(Data(), path: "empty.json"), .failure(.empty(path: "empty.json")))
        XCTAssertEqual(ThemeLoader.decode(Data(" \n".utf8), path: "blank.json"), .failure(.empty(path: "blank.json")))
    }

    func testMalformedFilesSayWhatIsWrong() {
        func reason(_ json: String) -> String {
            guard case .failure(let error) = ThemeLoader.decode(Data(json.utf8), path: "t.json") else { return "loaded" }
            return error.description
        }
        XCTAssertEqual(reason("{ \"name\": "), "theme file t.json is not a valid theme: not valid JSON")
        XCTAssertTrue(reason(#"{"name": "x", "roles": {"normal": {}, "selecton": {}}}"#).contains("unknown role 'selecton'"))
        XCTAssertTrue(reason(#"{"name": "x", "roles": {"normal": {"fg": "purple"}}}"#).contains("unknown colour 'purple'"))
        XCTAssertTrue(reason(#"{"name": "x", "roles": {"normal": {"attrs": ["blink"]}}}"#).contains("unknown attribute 'blink'"))
        XCTAssertTrue(reason(#"{"name": "x", "roles": {"normal": {"fg": 3}}}"#).contains("expected a string at roles.normal.fg"))
        XCTAssertTrue(reason(#"{"roles": {"normal": {}}}"#).contains("missing 'name'"))
        XCTAssertTrue(reason(#"{"name": "x", "roles": {"title": {}}}"#).contains("'normal'"))
        XCTAssertTrue(reason(#"{"name": "x", "roles": {"normal": {"foreground": "red"}}}"#).contains("unknown key 'foreground'"))
    }

    func testAPartialThemeFallsBackPerRole() throws {
        let theme = try ThemeLoader.decode(Data(#"{"name": "p", "roles": {"normal": {"fg": "white", "bg": "blue"}}}"#.utf8),
                                           path: "p.json").get()
        XCTAssertEqual(theme.style(for: .selection), RoleStyle(fg: .white, bg: .blue, attrs: [.reverse]))
    }

    func testNoColourSelectsMonochrome() {
        let env = ["LANG": "en_US.UTF-8", "TERM": "xterm-256color"]
        XCTAssertEqual(ThemeSelection.resolve(name: "light", noColor: false, environment: env).theme.name, "light")
        XCTAssertEqual(ThemeSelection.resolve(name: "light", noColor: true, environment: env).theme.name, "monochrome")
        var noColor = env
        noColor["NO_COLOR"] = "1"
        XCTAssertEqual(ThemeSelection.resolve(name: "light", noColor: false, environment: noColor).theme.name, "monochrome")
        noColor["NO_COLOR"] = ""
        XCTAssertEqual(ThemeSelection.resolve(name: "light", noColor: false, environment: noColor).theme.name, "light",
                       "an empty NO_COLOR does not count (no-color.org)")
        let dumb = ThemeSelection.resolve(name: nil, noColor: false, environment: ["TERM": "dumb", "LANG": "C.UTF-8"])
        XCTAssertEqual(dumb.theme.name, "monochrome")
        XCTAssertEqual(dumb.theme.box, .ascii)
    }

    func testDefaultAndFrameCharacters() {
        let utf8 = ThemeSelection.resolve(name: nil, noColor: false, environment: ["LANG": "de_DE.utf8"])
        XCTAssertEqual(utf8.theme.name, "dark")
        XCTAssertEqual(utf8.theme.box, .unicode)
        XCTAssertNil(utf8.problem)
        XCTAssertEqual(ThemeSelection.resolve(name: nil, noColor: false, environment: ["LANG": "C"]).theme.box, .ascii)
        XCTAssertEqual(ThemeSelection.resolve(name: nil, noColor: false, environment: [:]).theme.box, .ascii)
        XCTAssertEqual(ThemeSelection.resolve(name: nil, noColor: false,
                                              environment: ["LC_ALL": "C", "LANG": "en_US.UTF-8"]).theme.box, .ascii)
    }

    func testUnknownThemeNameFallsBackToTheDefault() {
        let selection = ThemeSelection.resolve(name: "solarized", noColor: false, environment: [:],
                                               userDirectory: scratch.path)
        XCTAssertEqual(selection.theme.name, "dark")
        XCTAssertEqual(selection.problem, .notFound(name: "solarized", searched: [scratch.path]))
        XCTAssertTrue(selection.problem!.description.contains("built-in themes: dark, light, high-contrast, monochrome"))
    }

    func testUserThemesDirectory() throws {
        try Data(#"{"name": "mine", "roles": {"normal": {"fg": "green"}}}"#.utf8).write(to: scratch.appendingPathComponent("mine.json"))
        try Data("{ broken".utf8).write(to: scratch.appendingPathComponent("broken.json"))
        try Data().write(to: scratch.appendingPathComponent("empty.json"))
        let env = ["LANG": "C.UTF-8"]
        XCTAssertEqual(ThemeSelection.resolve(name: "mine", noColor: false, environment: env, userDirectory: scratch.path)
            .theme.style(for: .normal).fg, .green)
        let broken = ThemeSelection.resolve(name: "broken", noColor: false, environment: env, userDirectory: scratch.path)
        XCTAssertEqual(broken.theme, .dark)
        XCTAssertEqual(broken.problem, .malformed(path: scratch.appendingPathComponent("broken.json").path, reason: "not valid JSON"))
        let empty = ThemeSelection.resolve(name: "empty", noColor: false, environment: env, userDirectory: scratch.path)
        XCTAssertEqual(empty.problem, .empty(path: scratch.appendingPathComponent("empty.json").path))
        XCTAssertEqual(ThemeLoader.load(path: scratch.appendingPathComponent("none.json").path).isFailure, true)
    }

    func testUserThemesDirectoryFollowsXDG() {
        XCTAssertEqual(ThemeSelection.userThemesDirectory(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]),
                       "/x/swiftgate/themes")
        XCTAssertEqual(ThemeSelection.userThemesDirectory(environment: ["HOME": "/h"]), "/h/.config/swiftgate/themes")
        XCTAssertNil(ThemeSelection.userThemesDirectory(environment: [:]))
    }

    func testColourPairsForCurses() {
        let pairs = Theme.dark.colorPairs
        XCTAssertEqual(pairs.first, ColorPair(fg: .default, bg: .default))
        XCTAssertEqual(Theme.dark.pairNumber(for: .normal), 1)
        XCTAssertEqual(pairs[Theme.dark.pairNumber(for: .selection) - 1], ColorPair(fg: .black, bg: .cyan))
        XCTAssertEqual(ThemeColor.default.ansiIndex, -1)
        XCTAssertEqual(ThemeColor.black.ansiIndex, 0)
        XCTAssertEqual(ThemeColor.white.ansiIndex, 7)
        XCTAssertEqual(ThemeColor.brightWhite.ansiIndex, 15)
    }
}

private extension Result {
    var isFailure: Bool { if case .failure = self { true } else { false } }
}
