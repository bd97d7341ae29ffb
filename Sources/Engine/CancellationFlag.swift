import Foundation

/// A stop asked for while a blocking call runs off the actor (a login POST the gateway holds while it waits for
/// a push approval): the call polls it between short reads.
final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var reason: String?

    func cancel(_ why: String) {
        lock.lock()
        defer { lock.unlock() }
        if reason == nil { reason = why }
    }

    var cancelled: String? {
        lock.lock()
        defer { lock.unlock() }
        return reason
    }
}
