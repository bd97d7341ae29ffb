import GatewayProtocol
import Store

extension Gateway {
    /// The saved split tunnel and DNS overrides, as the engine applies them (issue 14, item 4).
    var networkOverrides: NetworkOverrides {
        NetworkOverrides(include: includeRoutes, exclude: excludeRoutes, dnsDomains: vpnDNSDomains)
    }
}
