import Engine
import GatewayProtocol
import Store

/// The engine's `SessionStore` calls, carried to the front end that owns the connection, which answers them
/// from the user's own database (the service keeps no user data).
public enum StoreRequest: Sendable, Equatable, Codable {
    case trustedPins(hostPort: String)
    case storeTrust(StoredPin, hostPort: String)
    case clearTrustWarning(hostPort: String, pin: String)
    case forgetTrust(hostPort: String)
    case profileSHA1(hostPort: String)
    case saveProfile(hostPort: String, uri: String, sha1: String, xml: String, hosts: [ProfileHostEntry])
    case saveGroups(gateway: String, offered: [FormOption], chosen: FormOption?)
}

public enum StoreReply: Sendable, Equatable, Codable {
    case pins([StoredPin])
    case sha1(String?)
    case changes(ProfileEntryChanges)
    case done
    case failed(String)
}
