import Foundation

/// A clock the test moves by hand, so `createdAt`/`updatedAt` are exact. Whole seconds, because the store keeps
/// dates to the millisecond.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_750_000_000)

    var now: Date {
        lock.withLock { current }
    }

    func advance(seconds: TimeInterval) {
        lock.withLock { current += seconds }
    }
}
