import ArgumentParser
import Engine
import Foundation
import Service

/// A connection's status for people.
enum StatusText {
    static func lines(_ status: ConnectionStatus) -> [String] {
        var lines = ["\(status.name): \(status.state.rawValue)" + (status.transport.map { " over \($0.rawValue.uppercased())" } ?? "")
                     + " — \(status.url)"]
        if let tunnel = status.tunnel {
            lines.append("  tun \(tunnel.interface)" + (tunnel.address.map { ", address \($0)" } ?? "") + ", MTU \(tunnel.mtu)")
        }
        if let connected = status.connectedAt {
            lines.append("  up since \(connected.formatted(date: .omitted, time: .standard)) "
                         + "(\(Int(Date().timeIntervalSince(connected))) s)")
        } else if let phase = status.phase {
            lines.append("  phase: \(phase.rawValue)")
        }
        lines.append("  in \(bytes(status.bytesIn)), out \(bytes(status.bytesOut)); \(status.attached) front end(s) attached")
        if let waiting = status.waitingFor { lines.append("  waiting for \(waiting): 'swiftgate attach \(status.name)' answers it") }
        return lines
    }

    static func bytes(_ count: Int) -> String {
        if count < 1024 { return "\(count) B" }
        if count < 1 << 20 { return String(format: "%.1f KiB", Double(count) / 1024) }
        if count < 1 << 30 { return String(format: "%.1f MiB", Double(count) / 1048576) }
        return String(format: "%.2f GiB", Double(count) / 1073741824)
    }
}
