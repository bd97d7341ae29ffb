import Engine
import Foundation
import Glibc
import Service

/// How a front end reaches the service (issue 15): the one at the socket; as root with none running, nothing
/// (the engine runs in this process, as before); as a user with none running, one started through sudo — said
/// so on stderr — since only root can make a tun.
enum ServiceAccess {
    /// The client to drive a connection through, or nil when this process runs the engine itself.
    static func forConnecting(program: String) throws(ServiceError) -> ServiceClient? {
        let path = ServiceProtocol.socketPath()
        do {
            return try ServiceClient.open(path: path, program: program)
        } catch ServiceError.unavailable(_, let reason) {
            if geteuid() == 0 { return nil }
            try start(path: path, reason: reason)
            return try ServiceClient.open(path: path, program: program)
        }
    }

    /// The client for status, stats, disconnect and attach: only a running service.
    static func open(program: String) throws(ServiceError) -> ServiceClient {
        try ServiceClient.open(path: ServiceProtocol.socketPath(), program: program)
    }

    /// Starts `swiftgate service` for this user through sudo, in the background, and waits for its socket.
    static func start(path: String, reason: String) throws(ServiceError) {
        let user = getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? String(getuid())
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let interactive = isatty(STDIN_FILENO) == 1
        StandardStreams.err("swiftgate: no service at \(path) (\(reason)); starting it with sudo: "
                            + "sudo \(executable) service --user \(user) (it stays up; 'make install' sets up systemd instead)\n")
        var arguments = ["sudo"]  // argv[0]
        if !interactive { arguments.append("-n") }
        arguments += ["-b", executable, "service", "--user", user, "--socket", path]
        // posix_spawn in this process group (sudo may ask for a password on this terminal) and waitpid: sudo -b
        // returns once the service is started in the background. (Foundation's Process waits on a run loop.)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, "sudo", nil, nil, argv, environ)
        guard spawned == 0 else {
            throw .unavailable(path: path, reason: "sudo could not be started: \(String(cString: strerror(spawned)))")
        }
        var wait: Int32 = 0
        while waitpid(pid, &wait, 0) < 0 && errno == EINTR {}
        let status = (wait & 0x7f) == 0 ? (wait >> 8) & 0xff : 128 + (wait & 0x7f)
        guard status == 0 else {
            throw .unavailable(path: path, reason: "sudo could not start it (exit \(status))")
        }
        // The service is up when its socket answers.
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if ServiceClient.isRunning(path: path) { return }
            usleep(100_000)
        }
        throw .unavailable(path: path, reason: "the service started through sudo did not answer within 15 s")
    }
}
