/// The modal dialog on top of the screen, if any: the engine's prompts, and the confirmations.
public enum Dialog: Sendable, Equatable {
    case group(GroupPicker)
    case form(FormDialog)
    case certificate(CertificatePrompt)
    case identity(IdentityPicker)
    case confirm(ConfirmDialog, ConfirmPurpose)

    /// What a confirmation is for, so a "yes" turns into the right outcome.
    public enum ConfirmPurpose: Sendable, Equatable {
        case delete(String)
        case disconnect
        case quit
    }

    public var keymap: Keymap {
        switch self {
        case .group: .groupPicker
        case .form: .form
        case .certificate: .certificate
        case .identity: .identityPicker
        case .confirm: .confirm
        }
    }

    /// True for the engine's prompts, which wait for an answer; a confirmation may be dropped for one.
    public var isPrompt: Bool {
        if case .confirm = self { return false }
        return true
    }

    public func render(into grid: inout ScreenGrid, theme: Theme, now: Double) {
        switch self {
        case .group(let picker): picker.render(into: &grid, theme: theme)
        case .form(let form): form.render(into: &grid, theme: theme)
        case .certificate(let prompt): prompt.render(into: &grid, theme: theme, now: now)
        case .identity(let picker): picker.render(into: &grid, theme: theme)
        case .confirm(let dialog, _): dialog.render(into: &grid, theme: theme)
        }
    }
}
