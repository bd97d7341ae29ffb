import Foundation
internal import GRDB

/// One option of a gateway's group list, as the server last offered it: `value` goes back to the server, `label`
/// is what people read and may type.
public struct GroupAlias: Sendable, Hashable {
    public var value: String
    public var label: String
    /// The option the server marked `selected`.
    public var isDefault: Bool
    public var seenAt: Date

    public init(value: String, label: String, isDefault: Bool = false, seenAt: Date) {
        self.value = value
        self.label = label
        self.isDefault = isDefault
        self.seenAt = seenAt
    }

    init(row: Row) {
        self.init(value: row["value"], label: row["label"], isDefault: row["isDefault"],
                  seenAt: (row["seenAt"] as StoredDate).date)
    }
}
