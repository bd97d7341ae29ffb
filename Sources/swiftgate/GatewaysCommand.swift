import ArgumentParser
import Engine
import Foundation
import GatewayProtocol
import Store

struct GatewaysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateways",
        abstract: "Saved gateways: list, add, remove, show, import an AnyConnect profile, forget a saved password.",
        subcommands: [List.self, Add.self, Remove.self, Show.self, Import.self, ForgetPasswordCommand.self],
        defaultSubcommand: List.self
    )

    /// "manual", or whose profile listed it (issue 13, item 1: the user sees where every entry came from).
    static func source(of gateway: Gateway) -> String {
        guard gateway.source == .profile else { return "manual" }
        return gateway.profileOrigin.map { "from the profile of \($0)" } ?? "imported from a file"
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List saved gateways.")
        @OptionGroup var store: StoreOptions

        func run() throws {
            let database = try store.open()
            let gateways = try database.gateways()
            guard !gateways.isEmpty else {
                print("No saved gateways. Add one: swiftgate gateways add NAME https://vpn.example.com")
                return
            }
            let width = max(4, gateways.map(\.name.count).max() ?? 4)
            print("NAME".padding(toLength: width, withPad: " ", startingAt: 0) + "  URL  (group, user, source)")
            for gateway in gateways {
                var extras: [String] = []
                if let group = gateway.defaultGroup { extras.append("group \(group)") }
                if let user = gateway.username { extras.append("user \(user)") }
                extras.append(GatewaysCommand.source(of: gateway))
                print(gateway.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(gateway.url)  (\(extras.joined(separator: ", ")))")
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Save a gateway (or update one with the same name).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "A name to connect by.") var name: String
        @Argument(help: "https://host[:port][/group-path]") var url: String
        @Option(help: "Default group (value or label).") var group: String?
        @Option(help: "User name.") var user: String?
        @Option(help: "Client certificate (PEM with its intermediates, or PKCS#12 .p12/.pfx).") var certificate: String?
        @Option(help: "Client key (PEM).") var key: String?
        @OptionGroup var reported: ReportedIdentityOptions
        @Option(name: .customLong("include-route"), help: "Also send this network through the tunnel (repeatable).")
        var includeRoutes: [String] = []
        @Option(name: .customLong("exclude-route"), help: "Keep this network out of the tunnel, pushed or not (repeatable).")
        var excludeRoutes: [String] = []
        @Option(name: .customLong("vpn-dns-domain"), help: "Only these domains through the VPN's DNS (repeatable).")
        var vpnDNSDomains: [String] = []

        func run() throws {
            let parsed: GatewayURL
            do { parsed = try GatewayURL(parsing: url) } catch { throw ValidationError(error.description) }
            if let problem = TargetResolver.nameProblem(name, url: parsed) { throw ValidationError(problem) }
            for route in includeRoutes + excludeRoutes {
                if let problem = NetworkOverrides.routeProblem(route) { throw ValidationError(problem) }
            }
            for domain in vpnDNSDomains {
                if let problem = NetworkOverrides.domainProblem(domain) { throw ValidationError(problem) }
            }
            // Saved as given (validated): a value left out stays NULL, so the default applies and may change.
            let identity = try reported.identity(saved: nil, systemHostname: nil)
            let database = try store.open()
            var gateway = Gateway(name: name, url: parsed.description, defaultGroup: group, username: user,
                                  source: .manual, certificatePath: certificate, keyPath: key,
                                  versionString: reported.versionString.map { _ in identity.version },
                                  reportedOS: reported.os.map { _ in identity.os.rawValue },
                                  localHostname: reported.localHostname.map { _ in identity.hostname })
            gateway.includeRoutes = includeRoutes
            gateway.excludeRoutes = excludeRoutes
            gateway.vpnDNSDomains = vpnDNSDomains
            try database.saveGateway(gateway)
            print("Saved \(name): \(parsed)")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Forget a saved gateway (its aliases and profile too).")
        @OptionGroup var store: StoreOptions
        @Argument var name: String

        func run() throws {
            guard try store.open().removeGateway(named: name) else {
                FileManager.default.standardError("swiftgate: no saved gateway named '\(name)'\n")
                throw ExitCode(1)
            }
            print("Removed \(name)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Everything saved about a gateway.")
        @OptionGroup var store: StoreOptions
        @Argument var name: String

        func run() throws {
            let database = try store.open()
            guard let gateway = try database.gateway(named: name) else {
                FileManager.default.standardError("swiftgate: no saved gateway named '\(name)'\n")
                throw ExitCode(1)
            }
            print("name:          \(gateway.name)")
            print("url:           \(gateway.url)")
            print("default group: \(gateway.defaultGroup ?? "-")")
            print("user:          \(gateway.username ?? "-")")
            print("source:        \(GatewaysCommand.source(of: gateway))")
            if let certificate = gateway.certificatePath { print("certificate:   \(certificate) (key \(gateway.keyPath ?? certificate))") }
            print("reports:       version \(gateway.versionString ?? ReportedIdentity.defaultVersion + " (default)"), "
                  + "os \(gateway.reportedOS ?? "linux-64 (default)"), host name \(gateway.localHostname ?? "this system's (default)")")
            print("your routes:   in \(gateway.includeRoutes.isEmpty ? "-" : gateway.includeRoutes.joined(separator: ", ")); "
                  + "out \(gateway.excludeRoutes.isEmpty ? "-" : gateway.excludeRoutes.joined(separator: ", "))")
            print("your DNS:      " + (gateway.vpnDNSDomains.isEmpty ? "- (as the gateway pushes)"
                                       : "only \(gateway.vpnDNSDomains.joined(separator: ", ")) through the VPN's DNS"))
            let aliases = try database.groupAliases(forGateway: gateway.name)
            print("groups seen:   " + (aliases.isEmpty ? "-" : aliases.map {
                "\($0.label)\($0.label == $0.value ? "" : " [\($0.value)]")\($0.isDefault ? " (gateway default)" : "")"
            }.joined(separator: "; ")))
            if let url = try? GatewayURL(parsing: gateway.url) {
                let pins = try database.trustedPins(for: HostPortKey.make(host: url.host, port: url.port))
                print("trusted pins:  " + (pins.isEmpty ? "- (the system trust store decides)" : pins.map {
                    $0.pin + ($0.warning ? " (accepted despite: \($0.reasons.joined(separator: ", ")))" : "")
                }.joined(separator: "\n               ")))
            }
            if let profile = try database.profile(forGateway: gateway.name) {
                print("profile:       \(profile.uri) sha1 \(profile.sha1), fetched \(profile.fetchedAt)")
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "import", abstract: "Import the ServerList of an AnyConnect profile (XML).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "PROFILE.xml") var file: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file)")
            }
            let profile: AnyConnectProfile
            do { profile = try AnyConnectProfile.parse(Array(data)) } catch {
                FileManager.default.standardError("swiftgate: \(file): \(error)\n")
                throw ExitCode(1)
            }
            let changes = try SQLiteSessionStore.importHosts(profile.hosts, origin: nil, into: store.open())
            let imported = changes.added + changes.changed
            print("Imported \(imported.count) of \(profile.hosts.count) gateways"
                  + (imported.isEmpty ? "" : ": \(imported.joined(separator: ", "))"))
            for refusal in changes.refused { print("Not imported: '\(refusal.name)': \(refusal.reason)") }
        }
    }
}
