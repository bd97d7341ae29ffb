/// The default routes of the outer connection's address family in the main table, outside the tun, as the
/// kernel reported them (issue 14, item 3). A route message that repeats a known route (`ip route replace` with
/// the same values, an IPv6 router advertisement renewing its lifetime) is a refresh, not a new network; a default
/// route that appears or goes away is one.
struct DefaultRoutes: Sendable, Equatable {
    struct Route: Hashable, Sendable {
        /// The next hop's address bytes; empty for a route straight out of an interface.
        var gateway: [UInt8]
        var interfaceIndex: UInt32
        var priority: UInt32
    }

    private(set) var known: Set<Route> = []

    init(_ routes: [Route] = []) { known = Set(routes) }

    /// A route the kernel announced (RTM_NEWROUTE): nil for one already known, else what changed.
    mutating func added(_ route: Route) -> String? {
        known.insert(route).inserted ? "a default route was added" : nil
    }

    /// A route the kernel withdrew (RTM_DELROUTE): nil for one never seen (nothing to lose), else what changed.
    mutating func removed(_ route: Route) -> String? {
        known.remove(route) != nil ? "a default route was removed" : nil
    }

    /// Whether a route message matters: a default route (no destination bits) of the connection's family, in the
    /// main table, not through the tun (the vpnc-script's own).
    static func concerns(family: UInt8, destinationLength: UInt8, table: UInt32, outputInterface: UInt32?,
                         connectionFamily: UInt8, tunIndex: UInt32) -> Bool {
        family == connectionFamily && destinationLength == 0 && table == 254
            && (outputInterface == nil || outputInterface != tunIndex)
    }
}
