import Dispatch
import Foundation
import SecureChannel

/// A login's STRAP keys (`STRAPKeys`), made on a thread of its own while the TLS handshake runs, with the key the
/// CONNECT will rekey to (issue 12, item 4). Made on the way, between the handshake's end and the first POST
/// and again before the CONNECT, they cost about 1 ms on the path to the tunnel: OpenSSL 3 took 0.6–0.85 ms to
/// make and encode the first two keys and 0.3–0.5 ms the next (uprobes, lab, docs/PERFORMANCE.md seventh pass);
/// openconnect makes them on the way too.
///
/// The thread must not outlive the login that started it: `join()` waits for it, so no thread is inside OpenSSL
/// when the process exits (as `TLSWarmUp` once was, which crashed an early exit; docs/PERFORMANCE.md).
final class STRAPKeysAhead: @unchecked Sendable {
    private let ready = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    /// Written by the thread before it signals `ready`.
    private var keys: STRAPKeys?

    init() {
        let thread = Thread { [self] in
            keys = try? STRAPKeys()
            ready.signal()
            keys?.prepareNextKey()
            finished.signal()
        }
        thread.name = "swiftgate-strap-keys"
        thread.start()
    }

    /// The keys once made (nil if OpenSSL could not make them), waiting for them if need be.
    func take() -> STRAPKeys? {
        ready.wait()
        ready.signal()
        return keys
    }

    /// Waits for the thread to end.
    func join() {
        finished.wait()
        finished.signal()
    }
}
