/// A group the gateway offered last time: the value sent back, the label people read, and whether it was the
/// gateway's default.
public struct GatewayAlias: Sendable, Equatable {
    public var value: String
    public var label: String
    public var isDefault: Bool

    public init(value: String, label: String, isDefault: Bool = false) {
        self.value = value
        self.label = label
        self.isDefault = isDefault
    }
}
