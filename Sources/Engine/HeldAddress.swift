/// The numeric address a gateway's name resolved to when it was first reached, and which name (host and port)
/// it belongs to: a login that moves to another cluster member starts a new hold (issue 14, item 2).
struct HeldAddress: Sendable, Equatable {
    var host: String
    var port: Int
    var address: String

    /// The address to use for `host:port`, or nil when it is another gateway (then the name is resolved).
    func address(host: String, port: Int) -> String? {
        host.lowercased() == self.host.lowercased() && port == self.port ? address : nil
    }
}
