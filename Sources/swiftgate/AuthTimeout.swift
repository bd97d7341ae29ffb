import GatewayProtocol
import Store

/// How long a login step may wait for the gateway: `--auth-timeout`, else the saved profile's
/// AuthenticationTimeout, else 300 s — long enough for a push approval on a phone (issue 10).
enum AuthTimeout {
    static let defaultSeconds = 300

    static func resolve(flag: Int?, store: SwiftgateStore, gateway: String?) -> Int {
        if let flag { return flag }
        if let gateway, let stored = try? store.profile(forGateway: gateway),
           let profile = try? AnyConnectProfile.parse(Array(stored.xml.utf8)),
           let seconds = profile.authenticationTimeout {
            return seconds
        }
        return defaultSeconds
    }
}
