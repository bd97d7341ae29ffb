/// One row of a keymap (after lazygit's `types.Binding`): the keys, the action, what it does here, and whether
/// the bottom hint bar mentions it (the help screen always does).
public struct Binding: Sendable, Equatable {
    public var keys: [Key]
    public var action: Action
    public var description: String
    public var showInHints: Bool
    /// A shorter word for the hint bar; the description when nil.
    public var hint: String?

    public init(_ keys: [Key], _ action: Action, _ description: String? = nil, showInHints: Bool = true,
                hint: String? = nil) {
        self.keys = keys
        self.action = action
        self.description = description ?? action.help
        self.showInHints = showInHints
        self.hint = hint
    }

    /// "↑ k", "Enter": the keys as people read them.
    public func keyNames(_ box: BoxStyle = .unicode, separator: String = " ") -> String {
        keys.map { $0.name(box) }.joined(separator: separator)
    }
}
