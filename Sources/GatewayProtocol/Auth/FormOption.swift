/// One choice of a `select` field: a group alias in `group_list`, for instance.
public struct FormOption: Sendable, Equatable, Codable {
    /// What is sent back: the `value` attribute, or the element text when there is none (protocol.md §1.4).
    public var value: String
    /// What the user sees.
    public var label: String
    /// `selected="true"` on the option (ASA style).
    public var selected: Bool

    public init(value: String, label: String, selected: Bool = false) {
        self.value = value
        self.label = label
        self.selected = selected
    }
}
