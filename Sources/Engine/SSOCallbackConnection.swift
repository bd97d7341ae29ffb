import CLinux
import GatewayProtocol
import Glibc

/// One accepted connection to the SSO callback listener: its request head gathers as bytes arrive (bounded in
/// size; the listener enforces `deadline`), then it is answered as `SSOCallbackRequest` says. Non-blocking; the
/// listener owns it and calls `close()`.
final class SSOCallbackConnection {
    /// Room for the longest blob `SSOCallbackBlob` accepts plus a browser's headers.
    static let headLimit = SSOCallbackBlob.maxTextLength + 8 * 1024

    enum Progress {
        /// The head is not complete yet.
        case waiting
        /// Answered; the blob if this was the callback.
        case answered(String?)
        /// Closed by the peer, failed, or too big (answered 404 then).
        case dropped
    }

    let descriptor: Int32
    let deadline: ContinuousClock.Instant
    private var head: [UInt8] = []

    init(descriptor: Int32, deadline: ContinuousClock.Instant) {
        self.descriptor = descriptor
        self.deadline = deadline
    }

    /// Reads what has arrived (poll said readable) and answers once the head is complete.
    func receive() -> Progress {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &chunk, chunk.count, 0)
            if count < 0, errno == EINTR { continue }
            if count < 0, errno == EAGAIN || errno == EWOULDBLOCK { return .waiting }
            guard count > 0 else { return .dropped }
            head += chunk.prefix(count)
            if let length = SSOCallbackRequest.headLength(head) {
                let answer = SSOCallbackRequest.answer(head: Array(head.prefix(length)))
                send(answer.response)
                return .answered(answer.blob)
            }
            if head.count >= Self.headLimit {
                send(SSOCallbackRequest.answer(head: []).response)
                return .dropped
            }
        }
    }

    /// Closes without waiting. Bytes already received are read first: closing over unread data would send a reset,
    /// which can make the browser drop the redirect it was just sent.
    func close() {
        var chunk = [UInt8](repeating: 0, count: 1024)
        while recv(descriptor, &chunk, chunk.count, 0) > 0 {}
        _ = Glibc.close(descriptor)
    }

    /// The response is small: the socket buffer takes it at once; a browser that will not read it within the
    /// deadline loses it.
    private func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count > 0 {
                offset += count
            } else if count < 0, errno == EAGAIN || errno == EINTR {
                guard wait(for: Int16(POLLOUT), until: deadline) else { return }
            } else {
                return
            }
        }
    }

    private func wait(for events: Int16, until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return false }
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, Int32(min(remaining.milliseconds + 1, 60_000)))
            if ready < 0, errno == EINTR { continue }
            return ready > 0
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
