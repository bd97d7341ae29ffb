/// The keys of one scope, as data: key handling, the hint bar, the help screen and docs/KEYBINDINGS.md are all
/// read from these tables, so none of them can disagree with another.
public struct Keymap: Sendable, Equatable {
    public var scope: KeymapScope
    /// This scope's own bindings, in the order the help screen lists them.
    public var bindings: [Binding]

    public init(scope: KeymapScope, bindings: [Binding]) {
        self.scope = scope
        self.bindings = bindings
    }

    /// The scope's bindings, then the global ones for screens (the scope's own win on a shared key).
    public var effectiveBindings: [Binding] {
        scope.includesGlobalKeys ? bindings + Self.everywhere.bindings : bindings
    }

    /// The action a key asks for in this scope, if any.
    public func action(for key: Key) -> Action? {
        effectiveBindings.first { $0.keys.contains(key) }?.action
    }

    /// What the hint bar shows, most specific first.
    public var hints: [Binding] { effectiveBindings.filter(\.showInHints) }

    // MARK: - The tables

    private static let up = Binding([.up, .character("k")], .moveUp, showInHints: false)
    private static let down = Binding([.down, .character("j")], .moveDown, showInHints: false)
    private static let pageKeys = [
        Binding([.pageUp, .control("u")], .pageUp, showInHints: false),
        Binding([.pageDown, .control("d")], .pageDown, showInHints: false),
        Binding([.home, .character("g")], .top, showInHints: false),
        Binding([.end, .character("G")], .bottom, showInHints: false),
    ]

    public static let everywhere = Keymap(scope: .everywhere, bindings: [
        Binding([.character("1")], .showGateways, showInHints: false),
        Binding([.character("2")], .showPhases, showInHints: false),
        Binding([.character("3")], .showChannels, showInHints: false),
        Binding([.character("4")], .showHistory, showInHints: false),
        Binding([.character("?")], .help, hint: "help"),
        Binding([.character("q")], .quit,
                "Quit; a connection the service runs stays up (a new interface reattaches), else asks first", hint: "quit"),
        Binding([.character("Q")], .quitAndDisconnect, "Disconnect and quit (asks first while a connection is up)",
                showInHints: false),
    ])

    public static let gateways = Keymap(scope: .gateways, bindings: [
        up, down,
    ] + pageKeys + [
        Binding([.enter], .connect, "Connect to the selected gateway", hint: "connect"),
        Binding([.character("/")], .filter, "Filter by name, host or URL", hint: "filter"),
        Binding([.escape], .back, "Clear the filter", showInHints: false),
        Binding([.character("a")], .add, hint: "add"),
        Binding([.character("e")], .edit, hint: "edit"),
        Binding([.character("d")], .delete, "Delete the gateway (asks first)", hint: "delete"),
        Binding([.character("P")], .forgetPassword, "Forget the gateway's saved password (Secret Service)",
                showInHints: false),
        Binding([.character("C")], .cleanup, "Remove what a crashed or killed session left (as swiftgate cleanup)",
                showInHints: false),
    ])

    public static let filter = Keymap(scope: .filter, bindings: [
        Binding([.enter], .select, "Keep the filter and return to the list", hint: "keep"),
        Binding([.escape], .back, "Clear the filter", hint: "clear"),
        Binding([.backspace], .eraseCharacter, showInHints: false),
        Binding([.control("u")], .clearField, "Erase the whole filter", showInHints: false),
        Binding([.up], .moveUp, showInHints: false),
        Binding([.down], .moveDown, showInHints: false),
    ])

    public static let phases = Keymap(scope: .phases, bindings: [
        Binding([.up, .character("k")], .moveUp, "Select the previous phase", showInHints: false),
        Binding([.down, .character("j")], .moveDown, "Select the next phase", showInHints: false),
        Binding([.enter, .right, .character("l")], .details, "Show or hide the phase's details", hint: "details"),
        Binding([.left, .character("h")], .back, "Hide the phase's details", showInHints: false),
        Binding([.character("d")], .disconnect, "Stop connecting or disconnect (asks first)", hint: "disconnect"),
        Binding([.character("r")], .reconnect, hint: "reconnect"),
        Binding([.escape], .showGateways, "Back to the gateways", hint: "back"),
    ])

    public static let channels = Keymap(scope: .channels, bindings: [
        Binding([.character("d")], .disconnect, "Disconnect (asks first)", hint: "disconnect"),
        Binding([.character("r")], .reconnect, "Reconnect with the session", hint: "reconnect"),
        Binding([.character("p")], .showPhases, "Show the handshake phases", hint: "phases"),
        Binding([.escape], .showGateways, "Back to the gateways", hint: "back"),
    ])

    public static let history = Keymap(scope: .history, bindings: [
        up, down,
    ] + pageKeys + [
        Binding([.enter], .connect, "Connect to this entry's gateway", hint: "connect"),
        Binding([.escape], .showGateways, "Back to the gateways", hint: "back"),
    ])

    public static let help = Keymap(scope: .help, bindings: [
        Binding([.up, .character("k")], .moveUp, "Scroll up", showInHints: false),
        Binding([.down, .character("j")], .moveDown, "Scroll down", showInHints: false),
        Binding([.pageUp, .control("u")], .pageUp, showInHints: false),
        Binding([.pageDown, .control("d"), .character(" ")], .pageDown, showInHints: false),
        Binding([.escape], .back, "Close the help", hint: "close"),
    ])

    public static let groupPicker = Keymap(scope: .groupPicker, bindings: [
        Binding([.up, .character("k")], .moveUp, showInHints: false),
        Binding([.down, .character("j")], .moveDown, showInHints: false),
        Binding([.enter], .select, "Choose the selected group", hint: "choose"),
        Binding([.escape], .cancel, "Cancel the connection", hint: "cancel"),
    ])

    public static let form = Keymap(scope: .form, bindings: [
        Binding([.tab, .down], .nextField, hint: "next"),
        Binding([.backTab, .up], .previousField, showInHints: false),
        Binding([.enter], .submit, "Next field; on the last one, send the form", hint: "send"),
        Binding([.right], .nextOption, "Next choice of a list field", showInHints: false),
        Binding([.left], .previousOption, "Previous choice of a list field", showInHints: false),
        Binding([.backspace], .eraseCharacter, showInHints: false),
        Binding([.control("u")], .clearField, showInHints: false),
        // A control key: every printable one is typing. Offered only where a Secret Service runs.
        Binding([.control("s")], .toggleSavePassword, "Save the password in the keyring (where offered)", showInHints: false),
        Binding([.escape], .cancel, "Cancel the connection", hint: "cancel"),
    ])

    public static let certificate = Keymap(scope: .certificate, bindings: [
        Binding([.character("o")], .trustOnce, "Connect this once; ask again next time", hint: "connect once"),
        // `t`, not `a`: `a` adds a gateway on the home screen, and the prompt may open under a typing finger.
        Binding([.character("t")], .trustAlways, "Always trust this certificate for this gateway", hint: "always trust"),
        Binding([.character("c"), .escape], .cancel, "Cancel: do not connect", hint: "cancel"),
        Binding([.up, .character("k")], .moveUp, "Scroll up", showInHints: false),
        Binding([.down, .character("j")], .moveDown, "Scroll down", showInHints: false),
    ])

    public static let identityPicker = Keymap(scope: .identityPicker, bindings: [
        Binding([.up, .character("k")], .moveUp, showInHints: false),
        Binding([.down, .character("j")], .moveDown, showInHints: false),
        Binding([.enter], .select, "Use the selected certificate", hint: "use"),
        Binding([.escape], .cancel, "Continue without a certificate", hint: "none"),
    ])

    public static let confirm = Keymap(scope: .confirm, bindings: [
        Binding([.character("y"), .enter], .confirm, hint: "yes"),
        Binding([.character("n"), .escape], .deny, hint: "no"),
    ])

    public static let ssoWait = Keymap(scope: .ssoWait, bindings: [
        Binding([.escape], .cancel, "Give up the login (the browser's page can be closed)", hint: "cancel"),
        Binding([.control("c")], .quit, "Disconnect and quit", hint: "quit"),
    ])

    /// Every keymap, in help-screen order.
    public static let all: [Keymap] = [
        everywhere, gateways, filter, phases, channels, history, help,
        groupPicker, form, certificate, identityPicker, confirm, ssoWait,
    ]

    public static func of(_ scope: KeymapScope) -> Keymap {
        all.first { $0.scope == scope } ?? everywhere
    }
}
