import ArgumentParser
import Engine
import Foundation
import Logging
import Service
import Store

/// `swiftgate service`: the privileged half (issue 15). Runs in the foreground (systemd, tests), listens on the
/// socket (or the one systemd passes), and runs the connections of the front ends it admits.
struct ServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service",
        abstract: "Run the privileged service the interface and 'connect' drive (as root, in the foreground).",
        discussion: "It admits root and the users named with --user or in --group; each sees and controls only "
            + "their own connections. The socket is \(ServiceProtocol.defaultSocketPath) (SWIFTGATE_SOCKET to change it)."
    )

    @Option(help: "A user (name or uid) the service admits besides root; repeatable.")
    var user: [String] = []

    @Option(help: "A group (name or gid) whose members the service admits; repeatable.")
    var group: [String] = []

    @Option(help: "Socket path (default: SWIFTGATE_SOCKET, else \(ServiceProtocol.defaultSocketPath)).")
    var socket: String?

    @Option(name: .customLong("prompt-timeout"), help: "Seconds a question waits when no front end is attached.")
    var promptTimeout: Double = 120

    @Flag(name: .shortAndLong, help: "Debug logging.")
    var verbose = false

    func run() async throws {
        do {
            try ConnectionEngine.checkTunnelPrivilege()
        } catch {
            FileManager.default.standardError("swiftgate service: " + error.description + "\n")
            throw ExitCode(error.exitCode)
        }
        var users: Set<UInt32> = []
        for name in user {
            guard let uid = UInt32(name) ?? getpwnam(name).map({ $0.pointee.pw_uid }) else {
                throw ValidationError("--user \(name): no such user")
            }
            users.insert(uid)
        }
        var groups: Set<UInt32> = []
        for name in group {
            guard let gid = UInt32(name) ?? getgrnam(name).map({ $0.pointee.gr_gid }) else {
                throw ValidationError("--group \(name): no such group (groupadd \(name), then add its users)")
            }
            groups.insert(gid)
        }
        let path = socket ?? ServiceProtocol.socketPath()
        let logFile = LogFileHandler.open(directory: StorePaths.resolve().stateDirectory)
        let level: Logger.Level = verbose ? .debug : .info
        let logger = Logger(label: "swiftgate.service") { _ in
            LogFileHandler(file: logFile, mirrorToStandardError: true, logLevel: level)
        }
        let runtime = RuntimeDirectory.resolve()
        try? RuntimeDirectory.prepareForLocks(runtime)
        var configuration = ServiceConfiguration(
            policy: AdmissionPolicy(users: users, groups: groups), runtimeDirectory: runtime, logger: logger,
            makeLogger: { name, verbose in
                Logger(label: "swiftgate.\(name)") { _ in
                    LogFileHandler(file: logFile, mirrorToStandardError: verbose, logLevel: verbose ? .debug : .info)
                }
            })
        configuration.promptWaitSeconds = promptTimeout
        let listener: ServiceListener
        do { listener = try ServiceListener.open(path: path) } catch {
            FileManager.default.standardError("swiftgate service: \(error)\n")
            throw ExitCode(1)
        }
        let host = ServiceHost(listener: listener, configuration: configuration)
        logger.info("listening on \(path)\(listener.activated ? " (socket activation)" : "") for root\(users.isEmpty ? "" : ", uid \(users.sorted())")\(groups.isEmpty ? "" : ", gid \(groups.sorted())")")
        // The service owns the sessions in its runtime directory: what one that crashed left (routes, DNS, a
        // tun) is undone now, as `swiftgate cleanup` would, before new connections come.
        for stale in SessionState.stale(in: runtime) {
            logger.warning("cleaning up the \(SessionState.describe(stale)), left by a service that did not stop cleanly")
            for line in SessionState.clean(stale, directory: runtime) { logger.info("  \(line)") }
        }
        let (stop, continuation) = AsyncStream.makeStream(of: Int32.self)
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            sources.append(source)
        }
        defer { sources.forEach { $0.cancel() } }
        Thread.detachNewThread { host.run() }
        for await number in stop {
            logger.info("signal \(number): disconnecting \(host.connectionCount) connection(s) and stopping")
            break
        }
        listener.close()
        await host.stopAll()
        logger.info("stopped")
    }
}
