import Engine
import GatewayProtocol

/// What the service accepts in a front end's request before root acts on it: a user names values that reach
/// the vpnc-script's environment and the tun device, so each is checked here, not trusted from the front end.
enum RequestCheck {
    static let maxConnectionsPerUser = 8
    static let maxFrontEnds = 64

    /// nil: acceptable; else why not, in words.
    static func problem(_ request: ConnectRequest) -> String? {
        if let interface = request.settings.interface {
            let allowed = interface.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                    || byte == 0x2d || byte == 0x5f || byte == 0x2e
            }
            guard allowed, (1...15).contains(interface.utf8.count), interface != ".", interface != ".." else {
                return "--interface \(GatewayText.printable(String(interface.prefix(20)))): not a device name (1 to 15 of A-Z a-z 0-9 . - _)"
            }
        }
        let overrides = request.settings.overrides
        if let problem = (overrides.include + overrides.exclude).lazy.compactMap(NetworkOverrides.routeProblem).first
            ?? overrides.dnsDomains.lazy.compactMap(NetworkOverrides.domainProblem).first {
            return problem
        }
        guard (1...3600).contains(request.authTimeoutSeconds) else { return "the login timeout must be 1 to 3600 seconds" }
        guard (0...86_400).contains(request.settings.reconnectTimeoutSeconds) else {
            return "the reconnect timeout must be 0 to 86400 seconds"
        }
        guard request.settings.scriptTimeoutSeconds > 0, request.settings.scriptTimeoutSeconds <= 600 else {
            return "the script timeout must be more than 0 and at most 600 seconds"
        }
        for text in [request.group, request.userAgent, request.name] + request.serverPins.map(Optional.some) {
            if let text, text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
                return "a value with a control character in it (group, user agent, name or pin)"
            }
        }
        return nil
    }
}
