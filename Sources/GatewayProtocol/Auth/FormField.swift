/// One input of a gateway's login form.
public struct FormField: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Equatable, Codable {
        case text, password, hidden, select, sso
    }

    public var kind: Kind
    public var name: String
    public var label: String
    /// A hidden field's value (returned unchanged), or a text field's preset value.
    public var value: String
    public var options: [FormOption]
    /// Cisco's `second-auth="1"`.
    public var secondAuth: Bool

    public init(kind: Kind, name: String, label: String, value: String = "", options: [FormOption] = [],
                secondAuth: Bool = false) {
        self.kind = kind
        self.name = name
        self.label = label
        self.value = value
        self.options = options
        self.secondAuth = secondAuth
    }

    /// The name of the group selector in every known gateway's form.
    public static let groupListName = "group_list"

    public var isGroupList: Bool { kind == .select && name == Self.groupListName }

    /// The option the server marks as its default: the `selected` one, else the first (protocol.md §1.4-1.5).
    public var defaultOption: FormOption? { options.first(where: \.selected) ?? options.first }
}
