/// A profile entry that was not saved, and why in words (its name is taken, it is malformed).
public struct ProfileEntryRefusal: Sendable, Equatable, Codable {
    public var name: String
    public var reason: String

    public init(name: String, reason: String) {
        self.name = name
        self.reason = reason
    }
}
