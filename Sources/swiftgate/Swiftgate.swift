import ArgumentParser
import Dispatch
import Engine

@main
struct Swiftgate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftgate",
        abstract: "A terminal client for Cisco AnyConnect SSL VPN gateways (ASA, FTD, IOS, ocserv).",
        discussion: """
            Without a subcommand, the full-screen interface starts. Exit codes: 0 clean, 1 failure, 2 usage, \
            3 authentication refused, 4 certificate not trusted, 5 gateway unreachable, 6 protocol error, \
            7 missing privilege.
            """,
        version: "0.1.0",
        subcommands: [TUICommand.self, ConnectCommand.self, GatewaysCommand.self, TrustCommand.self, HistoryCommand.self,
                      CleanupCommand.self, ServiceCommand.self, StatusCommand.self, StatsCommand.self,
                      DisconnectCommand.self, AttachCommand.self],
        defaultSubcommand: TUICommand.self
    )

    /// ArgumentParser's own main, after the process is hardened: SIGPIPE ignored (a closed pipe is an error the
    /// outputs handle, never a death without teardown) and core dumps off (issue 13, items 3 and 14).
    ///
    /// Synchronous, with the command run as a detached task (never on the main actor, whose queue this blocked
    /// thread would never serve) that this thread waits for: an async main parks the main thread
    /// in dispatch_main, which exits it with pthread_exit, and that forced unwind read half a megabyte of the
    /// binary's unwind tables into every process (docs/PERFORMANCE.md, issue 12). Nothing here runs on the main
    /// actor or the main queue.
    static func main() {
        MemoryTuning.apply()
        if let problem = ProcessHardening.apply() { StandardStreams.err("swiftgate: warning: \(problem)\n") }
        let outcome = CommandOutcome()
        _ = StoreWarmUp.shared  // starts it (a connect's store), before the parse it overlaps
        Task.detached {
            do {
                var command = try parseAsRoot()
                if var asynchronous = command as? AsyncParsableCommand {
                    try await asynchronous.run()
                } else {
                    try command.run()
                }
            } catch {
                outcome.failure = error
            }
            outcome.done.signal()
        }
        outcome.done.wait()
        StoreWarmUp.shared?.finish()
        if let failure = outcome.failure { exit(withError: failure) }
    }
}

/// What the command task leaves for the main thread: written before `done` is signalled, read after the wait.
private final class CommandOutcome: @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    var failure: Error?
}
