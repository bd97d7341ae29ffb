/// A login form from the gateway (`config-auth type="auth-request"`, or a legacy root `auth`).
public struct AuthForm: Sendable, Equatable, Codable {
    /// The `auth id`: "main", "challenge", "success"… (protocol.md §1.7).
    public var authID: String
    public var title: String?
    /// The form's message, with `%s` placeholders filled from param1/param2.
    public var message: String?
    public var error: String?
    public var banner: String?
    /// Always "POST" for a usable form.
    public var method: String
    /// Where to POST; nil means the current URL.
    public var action: String?
    public var fields: [FormField]
    /// The raw `<opaque …>…</opaque>` element, echoed back byte for byte (protocol.md §1.6).
    public var opaque: String?
    /// The legacy (pre aggregate-auth) form shape of protocol.md §1.10.
    public var isLegacy: Bool
    /// Single sign-on: the form's `sso` field is answered by a browser login, not by a person typing.
    public var sso: SSOLogin?

    public init(authID: String = "main", title: String? = nil, message: String? = nil, error: String? = nil,
                banner: String? = nil, method: String = "POST", action: String? = nil, fields: [FormField] = [],
                opaque: String? = nil, isLegacy: Bool = false) {
        self.authID = authID
        self.title = title
        self.message = message
        self.error = error
        self.banner = banner
        self.method = method
        self.action = action
        self.fields = fields
        self.opaque = opaque
        self.isLegacy = isLegacy
    }

    public var groupList: FormField? { fields.first(where: \.isGroupList) }
    /// The field the SSO token goes back in (`input type="sso"`, openconnect's OC_FORM_OPT_SSO_TOKEN).
    public var ssoField: FormField? { fields.first { $0.kind == .sso } }

    /// Fields a person (or stdin) must answer: everything but hidden fields and the group list.
    public var questions: [FormField] {
        fields.filter { $0.kind != .hidden && !$0.isGroupList }
    }
}
