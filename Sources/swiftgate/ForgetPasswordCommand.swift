import ArgumentParser
import Engine
import Foundation
import GatewayProtocol
import Store
import Vault

/// `swiftgate gateways forget-password NAME`: removes the gateway's saved passwords (every user) from the
/// Secret Service.
struct ForgetPasswordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget-password",
        abstract: "Remove a gateway's saved password from the Secret Service.")
    @OptionGroup var store: StoreOptions
    @Argument(help: "A saved gateway's name, or its address.") var name: String

    func run() throws {
        let database = try store.open()
        let resolved: TargetResolver.Resolved
        do { resolved = try TargetResolver.resolve(name, in: database) } catch let error as TargetResolver.Failure {
            throw ValidationError(error.description)
        }
        let key = HostPortKey.make(host: resolved.url.host, port: resolved.url.port)
        let vault = SecretServiceVault()
        do {
            let removed = try vault.forget(gateway: key)
            let shown = name == key ? name : "\(name) (\(key))"
            print(removed ? "Forgot the saved password of \(shown)" : "No saved password for \(shown)")
        } catch {
            FileManager.default.standardError("swiftgate: \(error)\n")
            throw ExitCode(1)
        }
    }
}
