import Foundation
import GatewayProtocol
import Store

/// How `connect TARGET` and the interface read a target (issue 13, item 1): text that reads as an address (a
/// scheme, or a host with a dot, a colon, a slash or brackets) is that address and is never looked up as a
/// saved name, so no saved entry, least of all one a gateway's profile planted, can send a connection elsewhere
/// than typed. Other text is a saved gateway's name, or else a bare host name.
enum TargetResolver {
    struct Resolved {
        var url: GatewayURL
        /// The saved gateway whose settings apply (group, user, identity), when one matches.
        var gateway: Gateway?
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func readsAsAddress(_ text: String) -> Bool {
        text.contains("://") || text.contains(where: { ".:/[]".contains($0) })
    }

    static func resolve(_ text: String, in store: SwiftgateStore) throws -> Resolved {
        let text = text.trimmingCharacters(in: .whitespaces)
        if !readsAsAddress(text), let saved = try store.gateway(named: text) {
            do { return Resolved(url: try GatewayURL(parsing: saved.url), gateway: saved) } catch {
                throw Failure(description: "the saved gateway '\(text)' has a bad URL: \(error)")
            }
        }
        let url: GatewayURL
        do { url = try GatewayURL(parsing: text) } catch {
            throw Failure(description: readsAsAddress(text) ? "'\(text)': \(error)"
                          : "'\(text)' is neither a saved gateway (swiftgate gateways list) nor a host: \(error)")
        }
        let key = HostPortKey.make(host: url.host, port: url.port)
        // A saved entry named by its own address (`vpn.example.com`) is that gateway: its group path applies.
        if let named = try store.gateway(named: text), HostPortKey.of(url: named.url) == key,
           let namedURL = try? GatewayURL(parsing: named.url) {
            return Resolved(url: namedURL, gateway: named)
        }
        // Otherwise a saved entry for exactly this URL, the user's own before one from a profile.
        let same = try store.gateways().filter { (try? GatewayURL(parsing: $0.url)) == url }
        return Resolved(url: url, gateway: same.first { $0.source == .manual } ?? same.first)
    }

    /// The name a typed URL is saved under: its address as typed, so the name reads as what it is.
    static func name(for url: GatewayURL) -> String {
        url.hostHeader + (url.path == "/" ? "" : url.path)
    }
}
