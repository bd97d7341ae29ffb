/// Who the service admits (issue 15): root, and the users it was started for (`--user`, or the members of
/// `--group`); and for a connection, only root and its owner. Pure: group memberships are passed in.
public struct AdmissionPolicy: Sendable, Equatable {
    public var users: Set<UInt32>
    public var groups: Set<UInt32>

    public init(users: Set<UInt32> = [], groups: Set<UInt32> = []) {
        self.users = users
        self.groups = groups
    }

    /// nil: admitted; else why not, in words for the refused person.
    public func refusal(uid: UInt32, groupsOfPeer: [UInt32]) -> String? {
        if uid == 0 || users.contains(uid) { return nil }
        if !groups.isDisjoint(with: groupsOfPeer) { return nil }
        return "uid \(uid) may not use this service (it admits root\(describe())); "
            + "ask an administrator to add you (swiftgate service --user NAME, or the swiftgate group)"
    }

    /// Root and the owner may see, attach to and stop a connection; nobody else learns it exists.
    public func mayControl(uid: UInt32, owner: UInt32) -> Bool { uid == 0 || uid == owner }

    private func describe() -> String {
        var parts: [String] = []
        if !users.isEmpty { parts.append("uid " + users.sorted().map(String.init).joined(separator: ", ")) }
        if !groups.isEmpty { parts.append("members of gid " + groups.sorted().map(String.init).joined(separator: ", ")) }
        return parts.isEmpty ? " only" : " and " + parts.joined(separator: " and ")
    }
}
