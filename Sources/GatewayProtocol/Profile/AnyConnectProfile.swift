/// An AnyConnect profile (`AnyConnectProfile` XML) as far as Swiftgate uses it: its server list.
public struct AnyConnectProfile: Sendable, Equatable {
    public var hosts: [ProfileHostEntry]
    /// `ClientInitialization/AuthenticationTimeout`: seconds the client waits for the gateway during login.
    /// Cisco's profile editor allows 10-120; anything outside 1-3600 is ignored as nonsense.
    public var authenticationTimeout: Int?

    public init(hosts: [ProfileHostEntry], authenticationTimeout: Int? = nil) {
        self.hosts = hosts
        self.authenticationTimeout = authenticationTimeout
    }

    /// Parses a downloaded or imported profile, with the same limits as every gateway document. The root may
    /// carry a namespace prefix; elements are matched by local name.
    public static func parse(_ bytes: [UInt8]) throws(ProfileError) -> AnyConnectProfile {
        let root: MarkupElement
        do {
            root = try MarkupParser.parse(bytes)
        } catch {
            throw .markup(error)
        }
        guard localName(root.name) == "AnyConnectProfile" else { throw .notAProfile(root: root.name) }
        var hosts: [ProfileHostEntry] = []
        for list in root.children where localName(list.name) == "ServerList" {
            for entry in list.children where localName(entry.name) == "HostEntry" {
                let name = text(entry, "HostName")
                let address = text(entry, "HostAddress") ?? name
                guard let address, let display = name ?? Optional(address) else { continue }
                hosts.append(ProfileHostEntry(name: display, address: address, userGroup: text(entry, "UserGroup")))
            }
        }
        var timeout: Int?
        for section in root.children where localName(section.name) == "ClientInitialization" {
            if let text = text(section, "AuthenticationTimeout"), let seconds = Int(text), (1...3600).contains(seconds) {
                timeout = seconds
            }
        }
        return AnyConnectProfile(hosts: hosts, authenticationTimeout: timeout)
    }

    private static func localName(_ name: String) -> String {
        String(name.split(separator: ":").last ?? Substring(name))
    }

    private static func text(_ element: MarkupElement, _ name: String) -> String? {
        let value = element.children.first { localName($0.name) == name }?.trimmedText
        return value?.isEmpty == false ? value : nil
    }
}

public enum ProfileError: Error, Equatable, Sendable, CustomStringConvertible {
    case markup(MarkupError)
    case notAProfile(root: String)

    public var description: String {
        switch self {
        case .markup(let error): return "the profile is not readable XML: \(error)"
        case .notAProfile(let root): return "the file is not an AnyConnect profile (root element <\(root.prefix(40))>)"
        }
    }
}
