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
        var arguments = ["sudo"]
        if !interactive { arguments.append("-n") }
        arguments += ["-b", executable, "service", "--user", user, "--socket", path]
        // Foundation's Process keeps this process group, so sudo can ask for a password on this terminal.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let status: Int32
        do {
            try process.run()
            process.waitUntilExit()
            status = process.terminationStatus
        } catch {
            throw .unavailable(path: path, reason: "sudo could not be started: \(error)")
        }
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
