import Foundation

/// Where Swiftgate keeps its files (DESIGN.md §3): XDG directories, and under sudo the invoking user's, so saved
/// gateways do not vanish when the tunnel needs root.
public struct StorePaths: Sendable, Equatable {
    public var dataDirectory: String
    public var stateDirectory: String
    public var configDirectory: String

    public var databasePath: String { dataDirectory + "/swiftgate.sqlite" }
    public var themesDirectory: String { configDirectory + "/themes" }

    public init(dataDirectory: String, stateDirectory: String, configDirectory: String) {
        self.dataDirectory = dataDirectory
        self.stateDirectory = stateDirectory
        self.configDirectory = configDirectory
    }

    /// Resolves the directories from an environment (normally the process's) and a home-directory lookup.
    public static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment,
                               homeOf: (String) -> String? = StorePaths.homeDirectory(of:)) -> StorePaths {
        var home = environment["HOME"] ?? "/root"
        var env = environment
        if let sudoUser = environment["SUDO_USER"], !sudoUser.isEmpty, sudoUser != "root", let userHome = homeOf(sudoUser) {
            // Under sudo, HOME and XDG_* may be root's or the user's depending on sudoers; use the user's own.
            home = userHome
            for key in ["XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"] { env[key] = nil }
        }
        func xdg(_ key: String, _ fallback: String) -> String {
            if let value = env[key], value.hasPrefix("/") { return value + "/swiftgate" }
            return home + "/" + fallback + "/swiftgate"
        }
        return StorePaths(dataDirectory: xdg("XDG_DATA_HOME", ".local/share"),
                          stateDirectory: xdg("XDG_STATE_HOME", ".local/state"),
                          configDirectory: xdg("XDG_CONFIG_HOME", ".config"))
    }

    public static func homeDirectory(of user: String) -> String? {
        guard let entry = getpwnam(user), let dir = entry.pointee.pw_dir else { return nil }
        return String(cString: dir)
    }
}
