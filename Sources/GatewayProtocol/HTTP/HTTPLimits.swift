/// Bounds on what Swiftgate accepts from a gateway, so hostile or broken input ends in an error, not in
/// unbounded memory (DESIGN.md §6).
public struct HTTPLimits: Sendable, Equatable {
    public var maxHeaderBytes: Int
    public var maxHeaderCount: Int
    public var maxBodyBytes: Int

    public init(maxHeaderBytes: Int = 64 * 1024, maxHeaderCount: Int = 200, maxBodyBytes: Int = 1024 * 1024) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
    }

    /// For authentication pages and profiles: a real form is a few KiB.
    public static let standard = HTTPLimits()
}
