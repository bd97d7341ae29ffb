import Foundation
import Glibc

/// Chromium's DevTools protocol over `--remote-debugging-pipe`: the browser reads commands on its fd 3 and
/// writes replies and events on its fd 4, each message one JSON object ended by a NUL byte. Our ends are
/// Unix stream sockets (not pipes), so a write to a browser that died fails with EPIPE instead of a SIGPIPE
/// (MSG_NOSIGNAL). Every read is bounded in size and every wait by a deadline; `check` runs between short
/// waits so cancellation and the overall deadline are seen within a quarter of a second.
/// Used from one thread only (the login's).
final class DevToolsPipe {
    typealias Message = [String: Any]
    typealias Check = () throws(EmbeddedBrowserError) -> Void

    /// A DevTools message larger than this is refused: the events asked for (navigations, cookies) are small.
    static let messageLimit = 4 << 20
    private static let slice: Int32 = 250

    private var commandFD: Int32
    private var replyFD: Int32
    private var buffer: [UInt8] = []
    /// How much of `buffer` is known to hold no NUL, so a long message is not searched again and again.
    private var scanned = 0
    private var nextID = 1
    /// Events that arrived while waiting for a command's reply, handed out first by `nextEvent`.
    private var pending: [Message] = []
    private var closedByBrowser = false

    init(commandFD: Int32, replyFD: Int32) {
        self.commandFD = commandFD
        self.replyFD = replyFD
    }

    deinit { close() }

    func close() {
        if commandFD >= 0 { Glibc.close(commandFD); commandFD = -1 }
        if replyFD >= 0 { Glibc.close(replyFD); replyFD = -1 }
    }

    /// Sends one command and waits for its reply, keeping the events that come first. Returns `result`.
    func call(_ method: String, _ params: [String: Any] = [:], session: String? = nil,
              until deadline: UInt64, check: Check) throws(EmbeddedBrowserError) -> Message {
        let id = nextID
        nextID += 1
        var command: [String: Any] = ["id": id, "method": method, "params": params]
        if let session { command["sessionId"] = session }
        let data: Data
        do {
            data = try JSONSerialization.data(withJSONObject: command)
        } catch {
            throw .protocolError("cannot encode the command \(method)")
        }
        try send(Array(data) + [0], until: deadline, check: check)
        while true {
            guard let message = try receive(until: deadline, check: check) else {
                try check()
                throw .protocolError("no reply to \(method) before the deadline")
            }
            guard let replyID = message["id"] as? Int else {
                pending.append(message)
                continue
            }
            guard replyID == id else { continue }
            if let error = message["error"] as? [String: Any] {
                let text = (error["message"] as? String).map { EmbeddedBrowserRules.printable($0, limit: 200) } ?? "no reason"
                throw .protocolError("Chromium refused \(method): \(text)")
            }
            return message["result"] as? Message ?? [:]
        }
    }

    /// The next event (a message with a `method`), or nil once `deadline` passes.
    func nextEvent(until deadline: UInt64, check: Check) throws(EmbeddedBrowserError) -> Message? {
        if !pending.isEmpty { return pending.removeFirst() }
        while let message = try receive(until: deadline, check: check) {
            if message["method"] is String { return message }
        }
        return nil
    }

    private func send(_ bytes: [UInt8], until deadline: UInt64, check: Check) throws(EmbeddedBrowserError) {
        var offset = 0
        while offset < bytes.count {
            try check()
            var descriptor = pollfd(fd: commandFD, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&descriptor, 1, Self.waitSlice(until: deadline))
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 { throw .protocolError("poll failed: \(String(cString: strerror(errno)))") }
            if ready == 0 {
                if Monotonic.now() >= deadline { throw .protocolError("the browser stopped reading commands") }
                continue
            }
            let written = bytes[offset...].withUnsafeBufferPointer { pointer in
                Glibc.send(commandFD, pointer.baseAddress, pointer.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw .browserExited("it stopped reading its DevTools pipe (\(String(cString: strerror(errno))))")
            }
            offset += written
        }
    }

    /// One whole message, or nil once `deadline` passes. The browser closing its end is `browserExited`.
    private func receive(until deadline: UInt64, check: Check) throws(EmbeddedBrowserError) -> Message? {
        while true {
            if let end = buffer[scanned...].firstIndex(of: 0) {
                let body = Data(buffer[..<end])
                buffer.removeSubrange(...end)
                scanned = 0
                guard let object = try? JSONSerialization.jsonObject(with: body), let message = object as? Message else {
                    throw .protocolError("a DevTools message was not a JSON object")
                }
                return message
            }
            scanned = buffer.count
            if closedByBrowser { throw .browserExited("it closed its DevTools pipe (crashed or was closed)") }
            guard buffer.count <= Self.messageLimit else {
                throw .protocolError("a DevTools message exceeded \(Self.messageLimit) bytes")
            }
            try check()
            if Monotonic.now() >= deadline { return nil }
            var descriptor = pollfd(fd: replyFD, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Self.waitSlice(until: deadline))
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 { throw .protocolError("poll failed: \(String(cString: strerror(errno)))") }
            if ready == 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { Glibc.recv(replyFD, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                closedByBrowser = true
            } else if count == 0 {
                closedByBrowser = true
            } else {
                buffer.append(contentsOf: chunk[..<count])
            }
        }
    }

    private static func waitSlice(until deadline: UInt64) -> Int32 {
        let now = Monotonic.now()
        guard deadline > now else { return 0 }
        return Int32(min(UInt64(slice), (deadline - now) / 1_000_000 + 1))
    }
}
