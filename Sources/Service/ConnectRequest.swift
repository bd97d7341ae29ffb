import Engine
import Foundation
import GatewayProtocol
import SecureChannel

/// Everything the service needs to bring one connection up for a front end. The user's database stays with the
/// front end: pins, profiles and groups are asked for and saved through `StoreRequest`s.
public struct ConnectRequest: Sendable, Equatable, Codable {
    /// The connection's name: the saved gateway's name, or the address. `status`, `attach` and `disconnect`
    /// use it.
    public var name: String
    public var url: String
    public var gatewayName: String?
    public var group: String?
    public var groupIsSavedValue = false
    public var userAgent: String = AuthConfiguration.defaultUserAgent
    public var reportedIdentity: ReportedIdentity?
    public var caFile: FileContents?
    public var allowInsecureCrypto = false
    public var serverPins: [String] = []
    public var clientCertificate: FileContents?
    public var clientKey: FileContents?
    public var clientKeyPassword: String?
    public var authTimeoutSeconds = 300
    public var ssoHeadless = false
    /// `--cookie-on-stdin`: the login was done elsewhere.
    public var cookie: String?
    public var settings: TunnelSettings
    public var verbose = false
    /// The front end's own history record of this connection (a row of the user's database), handed back when
    /// the connection ends, so that whichever front end of the user hears of the end can finish it.
    public var historyID: Int64?

    public init(name: String, url: String, settings: TunnelSettings) {
        self.name = name
        self.url = url
        self.settings = settings
    }
}

extension ConnectRequest {
    /// The request for what `options` and `settings` say, with the files they name read now, with the user's own
    /// rights (root in the service never opens a path a user named).
    public static func make(name: String, options: ConnectOptions, settings: TunnelSettings, cookie: String? = nil,
                            verbose: Bool = false) throws(ServiceError) -> ConnectRequest {
        func read(_ path: String?, _ what: String) throws(ServiceError) -> FileContents? {
            guard let path else { return nil }
            guard let file = FileContents.read(path) else { throw .rejected("\(what) \(path): cannot read it") }
            return file
        }
        var request = ConnectRequest(name: name, url: options.url.description, settings: settings)
        request.gatewayName = options.gatewayName
        request.group = options.group
        request.groupIsSavedValue = options.groupIsSavedValue
        request.userAgent = options.userAgent
        request.reportedIdentity = options.reportedIdentity
        request.caFile = try read(options.tls.caFile, "--cafile")
        request.allowInsecureCrypto = options.tls.allowInsecureCrypto
        request.serverPins = options.serverPins
        request.clientCertificate = try read(options.clientCertificate, "--certificate")
        if let key = options.clientKey, key != options.clientCertificate, FileManager.default.fileExists(atPath: key) {
            request.clientKey = try read(key, "--key")
        }
        request.clientKeyPassword = options.clientKeyPassword?.reveal()
        request.authTimeoutSeconds = options.authTimeoutSeconds
        request.ssoHeadless = options.ssoHeadless
        request.cookie = cookie
        request.verbose = verbose
        return request
    }
}
