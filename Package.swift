// swift-tools-version:6.1
// Swiftgate: a full-screen terminal client for Cisco's AnyConnect SSL VPN protocol.
// Rooms and what may import what: see docs/ARCHITECTURE.md (from shared DESIGN.md §2).
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "swiftgate",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "swiftgate", targets: ["swiftgate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        // System libraries: module maps and `static inline` shims for the macros Swift cannot import.
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CNcursesw", pkgConfig: "ncursesw", providers: [.apt(["libncursesw5-dev"])]),
        .systemLibrary(name: "CLinux"),
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "CSecret", pkgConfig: "libsecret-1", providers: [.apt(["libsecret-1-dev"])]),

        // Pure protocol: no sockets, no clock, no C.
        .target(name: "GatewayProtocol", swiftSettings: strict),
        // TLS and DTLS on OpenSSL; certificate reports.
        .target(name: "SecureChannel", dependencies: ["COpenSSL", "CLinux", "GatewayProtocol"], swiftSettings: strict),
        // Saved gateways, aliases, trust, profiles, history.
        .target(name: "Store", dependencies: ["GatewayProtocol", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: strict),
        // The connection engine: phases, prompts, tunnel, data plane.
        .target(
            name: "Engine",
            dependencies: [
                "GatewayProtocol", "SecureChannel", "CLinux", "Store",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The privileged service and its wire protocol: front ends drive connections over a Unix socket (issue 15).
        .target(name: "Service", dependencies: ["Engine", "GatewayProtocol", "SecureChannel", "Store", "CLinux",
                                                .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        // Saved passwords (the user's Secret Service through libsecret): a vault and the front end that uses it.
        .target(name: "Vault", dependencies: ["Engine", "GatewayProtocol", "CSecret"], swiftSettings: strict),
        // Screen model with no curses.
        .target(name: "TUI", dependencies: ["Engine", "QRCode"], swiftSettings: strict),
        // QR codes (libqrencode) for a login URL to open on a phone or another machine.
        .target(name: "QRCode", dependencies: ["CQRencode"], swiftSettings: strict),
        // The only importer of ncurses.
        .target(name: "Terminal", dependencies: ["TUI", "CNcursesw"], swiftSettings: strict),
        .executableTarget(
            name: "swiftgate",
            dependencies: [
                "GatewayProtocol", "SecureChannel", "Store", "Engine", "Service", "TUI", "Terminal", "QRCode", "Vault",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // Every parser of gateway input behind one libFuzzer entry point (`make fuzz`); built normally it replays files.
        .executableTarget(name: "SwiftgateFuzz", dependencies: ["GatewayProtocol"], swiftSettings: strict),

        .testTarget(name: "GatewayProtocolTests", dependencies: ["GatewayProtocol"], resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(name: "SecureChannelTests", dependencies: ["SecureChannel", "GatewayProtocol", "COpenSSL", "CLinux"], swiftSettings: strict),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "GatewayProtocol", "SecureChannel", "COpenSSL"], swiftSettings: strict),
        .testTarget(name: "StoreTests", dependencies: ["Store"], swiftSettings: strict),
        .testTarget(name: "TUITests", dependencies: ["TUI", "Engine", "GatewayProtocol"], exclude: ["Snapshots"], swiftSettings: strict),
        .testTarget(name: "VaultTests", dependencies: ["Vault", "Engine", "GatewayProtocol"], swiftSettings: strict),
        .testTarget(name: "ServiceTests", dependencies: ["Service", "Engine", "GatewayProtocol", "Store"], swiftSettings: strict),
        .testTarget(name: "QRCodeTests", dependencies: ["QRCode"], swiftSettings: strict),
        .testTarget(name: "LabTests", dependencies: ["GatewayProtocol"], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
