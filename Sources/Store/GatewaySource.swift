/// How a gateway came to be saved: typed by the user, or taken from a downloaded profile's ServerList.
public enum GatewaySource: String, Sendable, CaseIterable {
    case manual
    case profile
}
