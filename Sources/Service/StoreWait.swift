import Dispatch
import Synchronization

/// One store call waiting (synchronously: `SessionStore` is not async) for the owner's front end to answer.
final class StoreWait: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let reply = Mutex<StoreReply?>(nil)

    func resolve(_ value: StoreReply) {
        reply.withLock { $0 = value }
        semaphore.signal()
    }

    /// The reply, or nil after `seconds`.
    func wait(seconds: Double) -> StoreReply? {
        guard semaphore.wait(timeout: .now() + seconds) == .success else { return nil }
        return reply.withLock { $0 }
    }
}
