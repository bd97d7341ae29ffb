import ArgumentParser
import Foundation
import Store

struct TrustCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust",
        abstract: "Pinned gateway certificates: list, add HOST[:PORT] PIN, remove HOST[:PORT].",
        subcommands: [List.self, Add.self, Remove.self],
        defaultSubcommand: List.self
    )

    /// `host` or `host:port` (IPv6 in brackets) → `host:port` as the engine keys pins: lower-case, no trailing dot.
    static func hostPort(_ text: String) -> String {
        // A bare IPv6 address (more than one colon, no brackets) has no port in it, as before.
        if !text.hasPrefix("["), text.filter({ $0 == ":" }).count > 1 { return HostPortKey.make(host: text, port: 443) }
        return HostPortKey.parse(text)
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List pinned certificates.")
        @OptionGroup var store: StoreOptions

        func run() throws {
            let pins = try store.open().allTrust()
            guard !pins.isEmpty else { print("No pinned certificates."); return }
            for pin in pins {
                var line = "\(pin.hostPort)  \(pin.pin)"
                if let subject = pin.subject { line += "  \(subject)" }
                if pin.warning { line += "  [warning: accepted despite \(pin.reasons.isEmpty ? "errors" : pin.reasons.joined(separator: ", "))]" }
                print(line)
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Trust the certificate with this pin for HOST[:PORT].")
        @OptionGroup var store: StoreOptions
        @Argument(help: "HOST[:PORT] (port 443 when left out)") var host: String
        @Argument(help: "pin-sha256:… as Swiftgate or openconnect print it") var pin: String

        func run() throws {
            guard pin.hasPrefix("pin-sha256:"), pin.count > 20 else {
                throw ValidationError("'\(pin)' is not a pin: give the full pin-sha256:… that Swiftgate printed")
            }
            let key = TrustCommand.hostPort(host)
            do {
                try store.open().addTrustedPin(TrustedPin(hostPort: key, pin: pin, reasons: ["added by hand"],
                                                          acceptedAt: Date(), warning: true))
            } catch {
                FileManager.default.standardError("swiftgate: \(error)\n")
                throw ExitCode(1)
            }
            print("Trusted \(pin) for \(key)")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Forget every pin of HOST[:PORT].")
        @OptionGroup var store: StoreOptions
        @Argument var host: String

        func run() throws {
            let key = TrustCommand.hostPort(host)
            let removed = try store.open().removeTrust(for: key)
            print(removed == 0 ? "No pins for \(key)" : "Removed \(removed) pin(s) for \(key)")
        }
    }
}
