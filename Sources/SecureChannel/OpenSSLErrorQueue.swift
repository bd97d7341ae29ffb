import COpenSSL

/// OpenSSL's thread-local error queue, drained into words. Nothing is ever printed to stderr (DESIGN.md §2).
enum OpenSSLErrorQueue {
    static func clear() { ERR_clear_error() }

    /// Empties the queue before a data-plane SSL_read or SSL_write, so SSL_get_error reads only their errors.
    /// ERR_clear_error walks and frees all 16 of the queue's slots on every call, which showed in the download's
    /// profile once per packet; peeking first costs only the thread-local lookup.
    @inline(__always) static func clearBeforeIO() {
        if ERR_peek_error() != 0 { ERR_clear_error() }
    }

    /// Every queued error as text, oldest first; the queue is left empty.
    static func drain() -> [String] {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            // "error:0A000086:SSL routines::certificate verify failed" → keep the readable tail.
            let reason = text.split(separator: ":", omittingEmptySubsequences: false).last.map(String.init) ?? text
            messages.append(reason.isEmpty ? text : reason)
        }
        return messages
    }

    static func drainedDescription(default fallback: String) -> String {
        let messages = drain()
        return messages.isEmpty ? fallback : messages.joined(separator: "; ")
    }
}
