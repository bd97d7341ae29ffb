import Foundation
import GatewayProtocol
import Store

/// How `connect TARGET` and the interface read a target (issue 13, item 1): text that reads as an address (a
/// scheme, or a host with a dot, a colon, a slash or brackets) is that address and is never looked up as a
/// saved name, so no saved entry, least of all one a gateway's profile planted, can send a connection elsewhere
/// than typed. Other text is a saved gateway's name, or else a bare host name.
public enum TargetResolver {
    public struct Resolved: Sendable, Equatable {
        public var url: GatewayURL
        /// The saved gateway whose settings apply (group, user, identity), when one matches.
        public var gateway: Gateway?
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func readsAsAddress(_ text: String) -> Bool {
        text.contains("://") || text.contains(where: { ".:/[]".contains($0) })
    }

    public static func resolve(_ text: String, in store: SwiftgateStore) throws -> Resolved {
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
    public static func name(for url: GatewayURL) -> String {
        url.hostHeader + (url.path == "/" ? "" : url.path)
    }

    /// Why a name the user gives a gateway is refused, or nil: a name that reads as an address must be that
    /// address, or `connect NAME` would mean two things.
    public static func nameProblem(_ name: String, url: GatewayURL) -> String? {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return "a gateway needs a name" }
        if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "the name '\(trimmed)' holds control characters"
        }
        guard readsAsAddress(trimmed) else { return nil }
        guard let named = try? GatewayURL(parsing: trimmed), named.host.lowercased() == url.host.lowercased(),
              named.port == url.port else {
            return "the name '\(trimmed)' reads as an address other than \(url): pick a name without '.', ':' or '/'"
        }
        return nil
    }
}
