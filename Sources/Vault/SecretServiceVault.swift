import CSecret
import Foundation
import GatewayProtocol
import Synchronization

/// Saved passwords in the user's Secret Service (GNOME Keyring, KeePassXC…) through libsecret, under the schema
/// `org.swiftgate.Password` with the attributes `gateway` (host:port) and `user`.
///
/// Available only when a Secret Service owns `org.freedesktop.secrets` on the session bus right now and answers a
/// ping, checked once at init (each bus call within `probeTimeout`). A service that D-Bus would only start on demand does not count: it comes up with
/// a locked keyring and would prompt where nobody can answer. Without DBUS_SESSION_BUS_ADDRESS nothing is tried
/// (GLib would otherwise try to autolaunch a bus). Every call is bounded by `callTimeout`.
public final class SecretServiceVault: PasswordVault {
    public let isAvailable: Bool
    public let unavailableReason: String?
    private let callTimeout: Double

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, probeTimeout: Double = 2,
                callTimeout: Double = 15) {
        self.callTimeout = callTimeout
        let reason = Self.probe(environment: environment, timeout: probeTimeout)
        isAvailable = reason == nil
        unavailableReason = reason
    }

    /// nil when a Secret Service answers; else why not.
    private static func probe(environment: [String: String], timeout: Double) -> String? {
        guard let address = environment["DBUS_SESSION_BUS_ADDRESS"], !address.isEmpty else {
            return "no session bus (DBUS_SESSION_BUS_ADDRESS is not set)"
        }
        // libsecret is loaded here, on first use (Sources/CSecret/shim.h), not at every start.
        if let failure = sg_secret_load_failure() {
            return "libsecret could not be loaded (\(GatewayText.printable(String(cString: failure)).prefix(200))); "
                + "install it: apt-get install libsecret-1-0"
        }
        // On a thread of its own with a deadline: a bus socket that accepts and never answers cannot hang us.
        let answer = Mutex<Int32?>(nil)
        let done = DispatchSemaphore(value: 0)
        let cancellable = CancellableBox()
        Thread.detachNewThread {
            let running = sg_secret_service_running(Int32(timeout * 1000), cancellable.pointer)
            answer.withLock { $0 = running }
            done.signal()
        }
        // Two bus calls of `timeout` each at most (name owner, ping), and a little for connecting.
        if done.wait(timeout: .now() + 2 * timeout + 0.5) == .timedOut {
            sg_cancellable_cancel(cancellable.pointer)
            return "the session bus did not answer within \(Int(timeout)) s"
        }
        return answer.withLock { $0 } == 1 ? nil
            : "nothing provides org.freedesktop.secrets on the session bus (or it does not answer)"
    }

    public func password(gateway: String, user: String) throws(VaultError) -> Secret? {
        try bounded("read the saved password") { cancellable, message in
            let value = sg_secret_lookup(gateway, user, cancellable, &message)
            defer { sg_secret_free(value) }  // libsecret wipes it before freeing
            return value.map { Secret(String(cString: $0)) }
        }
    }

    public func save(_ password: Secret, gateway: String, user: String) throws(VaultError) {
        let label = "Swiftgate VPN password of \(user) at \(gateway)"
        let stored = try bounded("save the password") { cancellable, message in
            password.reveal().withCString { sg_secret_store(gateway, user, label, $0, cancellable, &message) } == 1
        }
        if !stored { throw .failed(operation: "save the password", message: "it refused without saying why") }
    }

    @discardableResult
    public func forget(gateway: String) throws(VaultError) -> Bool {
        try bounded("forget the saved password") { cancellable, message in
            sg_secret_clear(gateway, nil, cancellable, &message) == 1
        }
    }

    /// One libsecret call with its cancellable cancelled at the deadline; a GError's message becomes `.failed`.
    private func bounded<T>(_ operation: String,
                            _ call: (UnsafeMutablePointer<GCancellable>?, inout UnsafeMutablePointer<CChar>?) -> T) throws(VaultError) -> T {
        guard isAvailable else { throw .unavailable(unavailableReason ?? "not available") }
        let cancellable = CancellableBox()
        let timer = DispatchWorkItem { [cancellable] in sg_cancellable_cancel(cancellable.pointer) }
        DispatchQueue.global().asyncAfter(deadline: .now() + callTimeout, execute: timer)
        var message: UnsafeMutablePointer<CChar>?
        let value = call(cancellable.pointer, &message)
        timer.cancel()
        if let message {
            let text = GatewayText.printable(String(cString: message)).prefix(300)
            sg_secret_free_message(message)
            if cancellable.isCancelled { throw .timedOut(operation: operation, seconds: Int(callTimeout)) }
            throw .failed(operation: operation, message: String(text))
        }
        return value
    }
}

/// Owns one GCancellable; freed with the last reference (the deadline timer may hold one past the call).
private final class CancellableBox: @unchecked Sendable {
    // GCancellable is thread-safe: cancel from any thread, as GIO documents.
    let pointer: UnsafeMutablePointer<GCancellable>?

    init() { pointer = sg_cancellable_new() }

    var isCancelled: Bool { sg_cancellable_is_cancelled(pointer) == 1 }

    deinit { sg_cancellable_free(pointer) }
}
