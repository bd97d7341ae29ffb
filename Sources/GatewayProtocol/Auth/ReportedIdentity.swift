/// What Swiftgate tells a gateway about the client: the version in `<version who="vpn">`, the platform in
/// `<device-id>` and `X-AnyConnect-Platform`, and the host name in `X-CSTP-Hostname` and the device-id's
/// `computer-name`. ASA DAP rules match on the version and the platform, and refuse what they do not know
/// (issue 10, item 9), so all three can be set per gateway (`--version-string`, `--os`, `--local-hostname`).
public struct ReportedIdentity: Sendable, Equatable, Codable {
    /// A current Cisco Secure Client release (5.1.6.103, 2024). openconnect sends its own version (`v9.12`)
    /// unless `--version-string` is given (auth.c `xmlpost_initial_req`); a DAP rule written for Cisco's
    /// client usually asks for "AnyConnect version >= 4.x", which openconnect's text never satisfies.
    public static let defaultVersion = "5.1.6.103"

    public var version: String
    public var os: ReportedOS
    public var hostname: String

    public init(version: String = ReportedIdentity.defaultVersion, os: ReportedOS = .linux64,
                hostname: String = "localhost") {
        self.version = version
        self.os = os
        self.hostname = hostname
    }

    /// A version a person gave: printable ASCII without markup characters, at most 64 characters.
    public static func validVersion(_ text: String) throws(ReportedIdentityError) -> String {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty, trimmed.utf8.count <= 64,
              trimmed.unicodeScalars.allSatisfy({ (0x21...0x7e).contains($0.value) && !"<>&\"'".unicodeScalars.contains($0) })
        else { throw .badVersion(text) }
        return trimmed
    }

    /// A host name a person gave (or the system's): letters, digits, '-', '_' and '.', at most 253 bytes, as
    /// ocserv checks `X-CSTP-Hostname` before it echoes it.
    public static func validHostname(_ text: String) throws(ReportedIdentityError) -> String {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty, trimmed.utf8.count <= 253,
              trimmed.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)
                  || $0 == "-" || $0 == "_" || $0 == ".") })
        else { throw .badHostname(text) }
        return trimmed
    }

    /// The system's host name if it is one that may go on the wire, else `localhost` (openconnect's default
    /// before it asks uname, library.c).
    public static func usableHostname(_ system: String?) -> String {
        guard let system, let valid = try? validHostname(system) else { return "localhost" }
        return valid
    }
}

/// The platforms openconnect's `--os` knows (library.c `openconnect_set_reported_os`, auth.c `csd_tag_name`).
public enum ReportedOS: String, Sendable, Equatable, CaseIterable, Codable {
    case linux64 = "linux-64"
    case linux
    case win
    case macIntel = "mac-intel"
    case android
    case appleIOS = "apple-ios"

    public init(parsing text: String) throws(ReportedIdentityError) {
        guard let os = ReportedOS(rawValue: text.trimmingSpaces.lowercased()) else { throw .unknownOS(text) }
        self = os
    }
}

public enum ReportedIdentityError: Error, Equatable, Sendable, CustomStringConvertible {
    case badVersion(String)
    case badHostname(String)
    case unknownOS(String)

    public var description: String {
        switch self {
        case .badVersion(let text):
            return "version string '\(text.prefix(70))': give 1 to 64 printable ASCII characters without <>&\"' "
                + "(e.g. \(ReportedIdentity.defaultVersion))"
        case .badHostname(let text):
            return "local host name '\(text.prefix(70))': give letters, digits, '-', '_' and '.' only"
        case .unknownOS(let text):
            return "os '\(text.prefix(40))': give one of " + ReportedOS.allCases.map(\.rawValue).joined(separator: ", ")
        }
    }
}
