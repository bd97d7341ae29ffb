import ArgumentParser
import GatewayProtocol
import Store

/// `--version-string`, `--os`, `--local-hostname` (openconnect's names): what the gateway is told about this
/// client, for `connect` (this connection) and `gateways add` (saved with the gateway).
struct ReportedIdentityOptions: ParsableArguments {
    @Option(name: .customLong("version-string"),
            help: "Client version reported in <version who=\"vpn\"> (default \(ReportedIdentity.defaultVersion)); ASA DAP rules match on it.")
    var versionString: String?

    @Option(name: .customLong("os"),
            help: "Platform reported: \(ReportedOS.allCases.map(\.rawValue).joined(separator: ", ")) (default linux-64).")
    var os: String?

    @Option(name: .customLong("local-hostname"), help: "Host name reported in X-CSTP-Hostname (default: this system's).")
    var localHostname: String?

    func validate() throws {
        _ = try Self.identity(version: versionString, os: os, hostname: localHostname, systemHostname: "localhost")
    }

    /// The flags, each falling back to the saved gateway's value, then to the default.
    func identity(saved: Gateway?, systemHostname: String?) throws -> ReportedIdentity {
        try Self.identity(version: versionString ?? saved?.versionString, os: os ?? saved?.reportedOS,
                          hostname: localHostname ?? saved?.localHostname, systemHostname: systemHostname)
    }

    static func identity(version: String?, os: String?, hostname: String?, systemHostname: String?) throws -> ReportedIdentity {
        do {
            return ReportedIdentity(
                version: try version.map(ReportedIdentity.validVersion) ?? ReportedIdentity.defaultVersion,
                os: try os.map(ReportedOS.init(parsing:)) ?? .linux64,
                hostname: try hostname.map(ReportedIdentity.validHostname) ?? ReportedIdentity.usableHostname(systemHostname))
        } catch {
            throw ValidationError(error.description)
        }
    }
}
