/// What saving one profile's `ServerList` did to the saved gateways, so the user can be told (issue 13, item 1):
/// names added, names whose address changed, names the same origin no longer lists, and entries refused.
public struct ProfileEntryChanges: Sendable, Equatable, Codable {
    public var added: [String]
    public var changed: [String]
    public var removed: [String]
    public var refused: [ProfileEntryRefusal]

    public init(added: [String] = [], changed: [String] = [], removed: [String] = [],
                refused: [ProfileEntryRefusal] = []) {
        self.added = added
        self.changed = changed
        self.removed = removed
        self.refused = refused
    }

    /// Nothing added, changed, removed or refused: nothing worth telling.
    public var isEmpty: Bool { added.isEmpty && changed.isEmpty && removed.isEmpty && refused.isEmpty }
}
