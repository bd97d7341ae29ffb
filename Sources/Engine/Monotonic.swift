import Dispatch

/// Monotonic nanoseconds, for deadlines that a wall-clock change cannot move.
enum Monotonic {
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    static func after(seconds: Double) -> UInt64 {
        now() + UInt64(max(0, seconds) * 1_000_000_000)
    }
}
