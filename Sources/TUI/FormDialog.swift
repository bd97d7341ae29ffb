import GatewayProtocol

/// The login form: every field the gateway asks (text, password, list, SSO token), passwords shown as '*'.
/// Tab/arrows move between fields, typing edits the focused one, Enter moves on and sends from the last.
public struct FormDialog: Sendable, Equatable {
    public var form: AuthForm
    /// The fields shown: the form's questions (hidden fields and the group list are not asked).
    public let fields: [FormField]
    /// The text typed, or a list field's chosen option value, per field.
    public private(set) var values: [String]
    public private(set) var focus: Int = 0
    /// The gateway's name, for the title.
    public var gateway: String?
    /// Where a Secret Service runs and the form asks a password: the answer key that asks for it to be saved
    /// (Ctrl-S toggles, shown under the fields). Nil: no such option (issue 15, item 5).
    public var saveRequestKey: String?
    public private(set) var savePassword = false

    public init(_ form: AuthForm, gateway: String? = nil) {
        self.form = form
        self.gateway = gateway
        fields = form.questions
        values = fields.map { field in
            field.kind == .select ? (field.defaultOption?.value ?? "") : field.value
        }
    }

    /// What the engine gets: field name → answer. Secrets never print themselves.
    public var answers: [String: Secret] {
        var answers = Dictionary(zip(fields.map(\.name), values.map(Secret.init)), uniquingKeysWith: { first, _ in first })
        if savePassword, let saveRequestKey { answers[saveRequestKey] = Secret("1") }
        return answers
    }

    private var offersSave: Bool { saveRequestKey != nil }

    public mutating func handle(_ key: Key) -> DialogResult<[String: Secret]> {
        if let action = Keymap.form.action(for: key) {
            switch action {
            case .cancel:
                return .cancelled
            case .submit:
                if focus >= fields.count - 1 { return .done(answers) }
                focus += 1
            case .nextField:
                focus = min(fields.count - 1, focus + 1)
            case .previousField:
                focus = max(0, focus - 1)
            case .nextOption, .previousOption:
                cycleOption(by: action == .nextOption ? 1 : -1)
            case .eraseCharacter:
                if isEditable, !values[focus].isEmpty { values[focus].removeLast() }
            case .clearField:
                if isEditable { values[focus] = "" }
            case .toggleSavePassword:
                if offersSave { savePassword.toggle() }
            default:
                break
            }
            return .pending
        }
        if case .character(let character) = key, isEditable {
            values[focus].append(character)
        } else if case .character(" ") = key, fields.indices.contains(focus), fields[focus].kind == .select {
            cycleOption(by: 1)
        }
        return .pending
    }

    private var isEditable: Bool {
        fields.indices.contains(focus) && fields[focus].kind != .select
    }

    private mutating func cycleOption(by step: Int) {
        guard fields.indices.contains(focus), fields[focus].kind == .select, !fields[focus].options.isEmpty else { return }
        let options = fields[focus].options
        let current = options.firstIndex { $0.value == values[focus] } ?? 0
        values[focus] = options[(current + step + options.count) % options.count].value
    }

    /// What a field shows: '*' for each password character, the option's label for a list.
    public func display(_ index: Int) -> String {
        let field = fields[index]
        switch field.kind {
        case .password: return String(repeating: "*", count: values[index].count)
        case .select: return field.options.first { $0.value == values[index] }?.label ?? values[index]
        default: return values[index]
        }
    }

    public func render(into grid: inout ScreenGrid, theme: Theme) {
        let box = theme.box
        let width = min(72, grid.width - 4)
        let textWidth = width - 4
        var top: [[Span]] = []
        for text in [form.banner].compactMap({ $0 }) {
            top += TextLayout.wrap(text, width: textWidth).map { [Span($0, .dim)] }
            top.append([])
        }
        if let message = form.message { top += TextLayout.wrap(message, width: textWidth).map { [Span($0, .dialog)] } }
        if let error = form.error {
            top += TextLayout.wrap("\(Status.error.glyph(box)) \(error)", width: textWidth).map { [Span($0, .statusError)] }
        }
        let labelWidth = min(20, max(8, fields.map(\.label.count).max() ?? 8))
        let sso = fields.contains { $0.kind == .sso } || offersSave ? 2 : 0
        let height = min(grid.height - 2, top.count + (top.isEmpty ? 0 : 1) + fields.count + sso + 3)
        let title = form.title ?? "Log in" + (gateway.map { " to \($0)" } ?? "")
        let inside = DialogFrame.draw(title: title, width: width, height: height, into: &grid, box: box)
        let room = max(0, inside.height - fields.count - 2)
        for (offset, line) in top.prefix(room).enumerated() {
            grid.put(line, x: inside.x, y: inside.y + offset, limit: inside.maxX)
        }
        let firstField = inside.y + min(top.count, room) + (top.isEmpty ? 0 : 1)
        let inputX = inside.x + 2 + labelWidth + 1
        let inputWidth = max(4, inside.maxX - inputX)
        for index in fields.indices {
            let y = firstField + index
            guard y < inside.maxY else { break }
            let focused = index == focus
            if focused { grid.put(String(box.pointer), x: inside.x, y: y, role: .inputFocus) }
            let label = fields[index].label.isEmpty ? fields[index].name : fields[index].label
            grid.put(TextLayout.fit(label, labelWidth, ellipsis: box.ellipsis), x: inside.x + 2, y: y, role: .label)
            var shown = display(index)
            if fields[index].kind == .select {
                shown = "\(box.kind == .unicode ? "◂" : "<") \(shown) \(box.kind == .unicode ? "▸" : ">")"
            } else if focused {
                shown += "_"
            }
            // The end of a long value stays in view, where typing happens.
            if shown.count > inputWidth { shown = String(box.ellipsis) + String(shown.suffix(inputWidth - 1)) }
            grid.fill(Rect(x: inputX, y: y, width: inputWidth, height: 1), role: focused ? .inputFocus : .input)
            grid.put(shown, x: inputX, y: y, role: focused ? .inputFocus : .input, limit: inside.maxX)
        }
        if offersSave {
            let mark = savePassword ? "[x]" : "[ ]"
            grid.put(TextLayout.truncate("\(mark) Save the password in the keyring (Ctrl-S)", to: inside.width, ellipsis: box.ellipsis),
                     x: inside.x, y: min(inside.maxY - 1, firstField + fields.count + 1), role: savePassword ? .label : .dim)
        } else if fields.contains(where: { $0.kind == .sso }) {
            let note = "Single sign-on needs a browser: paste the token it gives."
            grid.put(TextLayout.truncate(note, to: inside.width, ellipsis: box.ellipsis), x: inside.x,
                     y: min(inside.maxY - 1, firstField + fields.count + 1), role: .dim)
        }
    }
}
