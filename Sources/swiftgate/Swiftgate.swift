import ArgumentParser

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
        subcommands: [TUICommand.self, ConnectCommand.self, GatewaysCommand.self, TrustCommand.self, HistoryCommand.self],
        defaultSubcommand: TUICommand.self
    )
}
