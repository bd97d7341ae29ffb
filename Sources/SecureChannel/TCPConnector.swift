import CLinux
import COpenSSL
import Glibc

/// Opens a TCP connection to a host name, IPv4 or IPv6 address, trying each resolved address in turn, each
/// within the connect timeout.
public enum TCPConnector {
    public struct Connection: Sendable {
        public let descriptor: Int32
        /// The numeric address actually reached (the script's VPNGATEWAY, `HOST=` of `--authenticate`).
        public let remoteAddress: String
        public let isIPv6: Bool
    }

    /// `address`: a numeric address already resolved for `host` (the one held for the session, issue 14 item 2);
    /// then the name is not looked up again, and `host` only names the gateway in errors (and SNI, in TLSClient).
    public static func connect(host: String, port: Int, timeoutSeconds: Int,
                               address: String? = nil) throws(SecureChannelError) -> Connection {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = address == nil ? AI_ADDRCONFIG : AI_NUMERICHOST
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(address ?? host, String(port), &hints, &list)
        if rc != 0 {
            // AI_ADDRCONFIG hides IPv6 literals on hosts without a global IPv6 address: retry without it.
            hints.ai_flags = 0
            hints.ai_flags = address == nil ? 0 : AI_NUMERICHOST
            let retry = getaddrinfo(address ?? host, String(port), &hints, &list)
            guard retry == 0 else { throw .resolve(host: host, reason: String(cString: gai_strerror(rc))) }
        }
        defer { freeaddrinfo(list) }

        var reasons: [String] = []
        var cursor = list
        while let info = cursor {
            cursor = info.pointee.ai_next
            let address = numericAddress(info.pointee.ai_addr, length: info.pointee.ai_addrlen)
            do {
                let fd = try attempt(info.pointee, timeoutSeconds: timeoutSeconds)
                return Connection(descriptor: fd, remoteAddress: address, isIPv6: info.pointee.ai_family == AF_INET6)
            } catch let reason {
                reasons.append("\(address): \(reason)")
            }
        }
        throw .connect(host: host, port: port, reasons: reasons.isEmpty ? ["no address"] : reasons)
    }

    private struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private static func attempt(_ info: addrinfo, timeoutSeconds: Int) throws(Failure) -> Int32 {
        let fd = socket(info.ai_family, info.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.ai_protocol)
        guard fd >= 0 else { throw Failure(description: SystemErrno.describe(errno)) }
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        if Glibc.connect(fd, info.ai_addr, info.ai_addrlen) != 0 && errno != EINPROGRESS {
            let code = errno
            close(fd)
            throw Failure(description: SystemErrno.describe(code))
        }
        var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        let ready = poll(&pfd, 1, Int32(timeoutSeconds * 1000))
        if ready == 0 {
            close(fd)
            throw Failure(description: "no answer within \(timeoutSeconds) s")
        }
        var soError: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length)
        if ready < 0 || soError != 0 {
            let code = ready < 0 ? errno : soError
            close(fd)
            throw Failure(description: SystemErrno.describe(code))
        }
        _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    static func numericAddress(_ address: UnsafeMutablePointer<sockaddr>?, length: socklen_t) -> String {
        guard let address else { return "?" }
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard getnameinfo(address, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else { return "?" }
        return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Sets the blocking read and write timeouts of a socket.
    public static func setTimeouts(_ fd: Int32, seconds: Int) {
        var value = timeval()
        value.tv_sec = seconds
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }
}
