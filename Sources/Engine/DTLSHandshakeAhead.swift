import Dispatch
import Glibc

/// The first DTLS handshake, run on a thread of its own from the moment CONNECT's reply is read, while the
/// engine runs pre-init, creates the tun and runs the connect script (issue 12, item 4). The handshake needs
/// only the keys and port of the reply (protocol.md §4.3), and those steps take tens of milliseconds that
/// the handshake's round trips would otherwise follow. openconnect starts DTLS only after its script.
///
/// The data plane takes the link over with `handOver()`: up, still handshaking, or failed. Until then only
/// this thread touches the link; the semaphore orders its writes before the data plane's reads.
final class DTLSHandshakeAhead: @unchecked Sendable {
    struct Handover {
        let link: DTLSLink
        /// `.up` or `.failed` once the handshake ended; nil while it is still under way.
        let outcome: DTLSLink.HandshakeEvent?
        /// When the attempt began, for the `dtls` phase's duration.
        let started: ContinuousClock.Instant
    }

    private let link: DTLSLink
    private let started = ContinuousClock.now
    private let limitSeconds: Double
    private let finished = DispatchSemaphore(value: 0)
    private let wakeRead: Int32
    private let wakeWrite: Int32
    /// Written by the thread before it signals `finished`.
    private var outcome: DTLSLink.HandshakeEvent?
    /// Read and written only by the caller of `handOver`/`cancel`.
    private var taken = false

    /// Starts the handshake. It stops being serviced after the dialer's attempt limit; the data plane's
    /// session then judges the attempt as it judges its own.
    init(dialer: any DatagramDialer) {
        link = DTLSLink(dialer: dialer)
        limitSeconds = dialer.attemptSeconds
        (wakeRead, wakeWrite) = WakePipe.open()
        let thread = Thread { [self] in run() }
        thread.name = "swiftgate-dtls-ahead"
        thread.start()
    }

    deinit {
        if !taken { link.close() }
        Glibc.close(wakeRead)
        Glibc.close(wakeWrite)
    }

    /// Stops the thread and gives the link to the data plane. Once.
    func handOver() -> Handover {
        precondition(!taken, "the DTLS link was handed over already")
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        finished.wait()
        taken = true
        return Handover(link: link, outcome: outcome, started: started)
    }

    /// The tunnel did not come up: the handshake is abandoned and its socket closed.
    func cancel() {
        guard !taken else { return }
        handOver().link.close()
    }

    private func run() {
        defer { finished.signal() }
        let begun = DataPlane.now()
        if let reason = link.start(now: begun) {
            outcome = .failed(reason)
            return
        }
        var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: link.descriptor, events: Int16(POLLIN), revents: 0)]
        while true {
            let now = DataPlane.now()
            let limit = begun + limitSeconds
            guard now < limit else { return }
            let deadline = min(limit, link.nextDeadline() ?? limit)
            fds[0].revents = 0
            fds[1].revents = 0
            let wait = deadline <= now ? 0 : Int32(min(60_000, (deadline - now) * 1000 + 1))
            let ready = poll(&fds, 2, wait)
            if ready < 0 && errno != EINTR { return }
            // Serviced before the wake-up is looked at: what arrived is not left for the data plane to find.
            let readable = fds[1].revents & Int16(POLLIN | POLLERR) != 0
            if let event = link.serviceHandshake(now: DataPlane.now(), readable: readable) {
                outcome = event
                return
            }
            if fds[0].revents & Int16(POLLIN) != 0 { return }
        }
    }
}

import Foundation
