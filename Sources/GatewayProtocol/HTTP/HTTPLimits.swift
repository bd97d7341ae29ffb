/// Bounds on what Swiftgate accepts from a gateway, so hostile or broken input ends in an error, not in
/// unbounded memory (DESIGN.md §6).
///
/// The head is bounded by its bytes, not by a small count of lines: an ASA sends one `X-CSTP-Split-Include` per
/// split-tunnel ACL entry, and 500 or more of them are common (about 45 bytes each). 256 KiB holds some 5000.
/// The line count bound only stops a head of empty-ish lines from costing one array entry per 3 bytes.
public struct HTTPLimits: Sendable, Equatable {
    public var maxHeaderBytes: Int
    public var maxHeaderCount: Int
    public var maxBodyBytes: Int

    public init(maxHeaderBytes: Int = 256 * 1024, maxHeaderCount: Int = 10_000, maxBodyBytes: Int = 1024 * 1024) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
    }

    /// For authentication pages and profiles: a real form is a few KiB.
    public static let standard = HTTPLimits()
}
