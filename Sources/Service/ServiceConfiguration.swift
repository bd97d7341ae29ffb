import Logging

/// How the service was started.
public struct ServiceConfiguration: Sendable {
    public var policy: AdmissionPolicy
    /// How long a question waits for a front end when none is attached.
    public var promptWaitSeconds: Double = 120
    /// Where connections keep their state files, locks and the files front ends sent.
    public var runtimeDirectory: String
    /// The script a connection of an unprivileged user runs; only root's front end may name another.
    public var defaultScript = "/usr/share/vpnc-scripts/vpnc-script"
    /// A logger for a connection (its name, and whether its front end asked for debug output).
    public var makeLogger: @Sendable (String, Bool) -> Logger
    /// The service's own log.
    public var logger: Logger

    public init(policy: AdmissionPolicy, runtimeDirectory: String, logger: Logger,
                makeLogger: @escaping @Sendable (String, Bool) -> Logger) {
        self.policy = policy
        self.runtimeDirectory = runtimeDirectory
        self.logger = logger
        self.makeLogger = makeLogger
    }
}
