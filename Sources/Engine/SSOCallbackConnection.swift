import CLinux
import GatewayProtocol
import Glibc

/// One accepted connection to the SSO callback listener: read the request head (bounded in size and time),
/// answer it as `SSOCallbackRequest` says, close. The descriptor is non-blocking and owned by the caller.
struct SSOCallbackConnection {
    /// Room for the longest blob `SSOCallbackBlob` accepts plus a browser's headers.
    static let headLimit = SSOCallbackBlob.maxTextLength + 8 * 1024

    let descriptor: Int32

    /// The blob when this was the callback, nil otherwise (answered 404, or dropped: too slow, too big, closed).
    func serve(until deadline: ContinuousClock.Instant, cancelled: () -> Bool) -> String? {
        var head: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while SSOCallbackRequest.headLength(head) == nil {
            guard head.count < Self.headLimit else {
                send(SSOCallbackRequest.answer(head: []).response, until: deadline)
                return nil
            }
            guard wait(for: Int16(POLLIN), until: deadline, cancelled: cancelled) else { return nil }
            let count = recv(descriptor, &chunk, chunk.count, 0)
            if count < 0, errno == EAGAIN || errno == EINTR { continue }
            guard count > 0 else { return nil }
            head += chunk.prefix(count)
        }
        let answer = SSOCallbackRequest.answer(head: head)
        send(answer.response, until: deadline)
        // Half-close and let the browser close first, so unread bytes never turn our close into a reset that
        // could swallow the redirect.
        _ = shutdown(descriptor, Int32(SHUT_WR))
        let linger = min(deadline, ContinuousClock.now + .milliseconds(500))
        while wait(for: Int16(POLLIN), until: linger, cancelled: { false }), recv(descriptor, &chunk, chunk.count, 0) > 0 {}
        return answer.blob
    }

    private func send(_ bytes: [UInt8], until deadline: ContinuousClock.Instant) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count > 0 {
                offset += count
            } else if count < 0, errno == EAGAIN || errno == EINTR {
                guard wait(for: Int16(POLLOUT), until: deadline, cancelled: { false }) else { return }
            } else {
                return
            }
        }
    }

    /// Waits for `events` in slices, so a cancel is seen within one; false at the deadline or on cancel.
    private func wait(for events: Int16, until deadline: ContinuousClock.Instant, cancelled: () -> Bool) -> Bool {
        while true {
            if cancelled() { return false }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return false }
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let slice = min(SSOCallbackListener.pollSliceMilliseconds, Int32(remaining.milliseconds) + 1)
            let ready = poll(&entry, 1, slice)
            if ready < 0, errno != EINTR { return false }
            if ready > 0 { return true }
        }
    }
}

extension Duration {
    /// Whole milliseconds, for poll(2).
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
