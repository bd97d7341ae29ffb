import Foundation

/// Records chown calls instead of making them, so the sudo handover runs without root.
final class ChownRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [String] = []

    var calls: [String] {
        lock.withLock { recorded }
    }

    func record(_ path: String, _ userID: UInt32, _ groupID: UInt32) {
        lock.withLock { recorded.append("\(path) \(userID):\(groupID)") }
    }
}
