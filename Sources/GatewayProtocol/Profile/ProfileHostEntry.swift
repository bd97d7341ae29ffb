/// One `ServerList/HostEntry` of an AnyConnect profile (protocol.md phase 2): what becomes a saved gateway.
public struct ProfileHostEntry: Sendable, Equatable {
    /// The display name the user picks.
    public var name: String
    /// A host name, address or URL.
    public var address: String
    /// The group URL path, when the entry names one.
    public var userGroup: String?

    public init(name: String, address: String, userGroup: String? = nil) {
        self.name = name
        self.address = address
        self.userGroup = userGroup
    }

    /// `https://HostAddress/UserGroup`, as openconnect builds it from a profile entry.
    public var url: String {
        var base = address.lowercased().hasPrefix("https://") ? address : "https://" + address
        while base.hasSuffix("/") { base.removeLast() }
        guard let group = userGroup?.trimmingSpaces, !group.isEmpty else { return base + "/" }
        return base + "/" + (group.hasPrefix("/") ? String(group.dropFirst()) : group)
    }
}
