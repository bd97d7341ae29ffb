import ArgumentParser
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
    static func main() async {
        MemoryTuning.apply()
        if let problem = ProcessHardening.apply() { StandardStreams.err("swiftgate: warning: \(problem)\n") }
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
