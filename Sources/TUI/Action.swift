/// What a key asks for: the request vocabulary (after tig's `REQ_*`), separate from which keys ask for it.
/// Each action carries its general help text; a binding may say more precisely what it does on its screen.
public enum Action: String, Sendable, CaseIterable {
    case moveUp, moveDown, pageUp, pageDown, top, bottom
    case select, back, filter, help, quit
    case connect, add, edit, delete, disconnect, reconnect, details
    case showGateways, showPhases, showChannels, showHistory
    case nextField, previousField, submit, nextOption, previousOption, eraseCharacter, clearField
    case cancel, trustOnce, trustAlways, confirm, deny
    case cleanup
    case quitAndDisconnect
    case forgetPassword, toggleSavePassword

    public var help: String {
        switch self {
        case .moveUp: "Move up"
        case .moveDown: "Move down"
        case .pageUp: "Page up"
        case .pageDown: "Page down"
        case .top: "Go to the first entry"
        case .bottom: "Go to the last entry"
        case .select: "Act on the selection"
        case .back: "Back out"
        case .filter: "Filter the list"
        case .help: "Show the keys"
        case .quit: "Quit"
        case .quitAndDisconnect: "Disconnect and quit"
        case .connect: "Connect"
        case .add: "Add a gateway"
        case .edit: "Edit the gateway"
        case .delete: "Delete the gateway"
        case .disconnect: "Disconnect"
        case .reconnect: "Reconnect"
        case .details: "Show or hide details"
        case .showGateways: "Gateways screen"
        case .showPhases: "Phases screen"
        case .showChannels: "Channels screen"
        case .showHistory: "History screen"
        case .nextField: "Next field"
        case .previousField: "Previous field"
        case .submit: "Send the form"
        case .nextOption: "Next option"
        case .previousOption: "Previous option"
        case .eraseCharacter: "Erase a character"
        case .clearField: "Clear the field"
        case .cancel: "Cancel"
        case .trustOnce: "Connect once"
        case .trustAlways: "Always trust"
        case .confirm: "Yes"
        case .deny: "No"
        case .cleanup: "Remove the routes, DNS and tun a killed session left"
        case .forgetPassword: "Forget the gateway's saved password"
        case .toggleSavePassword: "Save the password in the keyring, or not"
        }
    }
}
