import Engine

/// One `(key, value)` of a phase's detail, kept as a struct so records can be compared in tests.
public struct DetailItem: Sendable, Equatable {
    public var key: String
    public var value: EventValue

    public init(_ key: String, _ value: EventValue) {
        self.key = key
        self.value = value
    }
}
