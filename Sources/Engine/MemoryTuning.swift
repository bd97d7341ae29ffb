import CLinux
import Glibc

/// Process-wide memory settings, made before any thread starts (issue 12, item 5).
public enum MemoryTuning {
    /// At most two malloc arenas. glibc gives each thread that allocates its own arena (up to 8 per core), and
    /// Swiftgate's threads (the concurrency pool, blocking I/O, the data plane) each keep what they freed there;
    /// two arenas cut the peak RSS with little contention, as only the data plane allocates much. MALLOC_ARENA_MAX
    /// in the environment still wins, for measuring.
    public static func apply() {
        if getenv("MALLOC_ARENA_MAX") == nil { _ = CLinux_limit_malloc_arenas(2) }
    }
}
