/// One choice of a `select` field: a group alias in `group_list`, for instance.
public struct FormOption: Sendable, Equatable, Codable {
    /// What is sent back: the `value` attribute, or the element text when there is none (protocol.md §1.4).
    public var value: String
    /// What the user sees.
    public var label: String
    /// `selected="true"` on the option (ASA style).
    public var selected: Bool
    /// Cisco's double authentication on this group: fields marked `second-auth="1"` are asked only when the
    /// chosen option has `second-auth="1"` too (protocol.md §1.4; openconnect library.c `process_auth_form`).
    public var secondAuth: Bool
    /// `secondary_username`: the second user name the gateway fills in for this group.
    public var secondaryUsername: String?
    /// `secondary_username_editable="true"`; otherwise a prefilled secondary user name is sent, not asked.
    public var secondaryUsernameEditable: Bool
    /// `noaaa="1"`: the group needs no user name or password (a certificate-only group), so none is asked.
    public var noAAA: Bool

    public init(value: String, label: String, selected: Bool = false, secondAuth: Bool = false,
                secondaryUsername: String? = nil, secondaryUsernameEditable: Bool = false, noAAA: Bool = false) {
        self.value = value
        self.label = label
        self.selected = selected
        self.secondAuth = secondAuth
        self.secondaryUsername = secondaryUsername
        self.secondaryUsernameEditable = secondaryUsernameEditable
        self.noAAA = noAAA
    }
}
