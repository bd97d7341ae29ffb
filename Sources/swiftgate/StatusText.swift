import ArgumentParser
import Engine
import Foundation
import Service
import TUI

/// A connection's status for people.
enum StatusText {
    static func lines(_ status: Service.ConnectionStatus) -> [String] {
        var lines = ["\(status.name): \(status.state.rawValue)" + (status.transport.map { " over \($0.rawValue.uppercased())" } ?? "")
                     + " — \(status.url)"]
        if let tunnel = status.tunnel {
            lines.append("  tun \(tunnel.interface)" + (tunnel.address.map { ", address \($0)" } ?? "") + ", MTU \(tunnel.mtu)")
        }
        if let connected = status.connectedAt {
            lines.append("  up since \(connected.formatted(date: .omitted, time: .standard)) "
                         + "(\(Formatting.duration(Date().timeIntervalSince(connected))))")
        } else if let phase = status.phase {
            lines.append("  phase: \(phase.rawValue)")
        }
        lines.append("  in \(Formatting.bytes(status.bytesIn)), out \(Formatting.bytes(status.bytesOut)); \(status.attached) front end(s) attached")
        if let waiting = status.waitingFor { lines.append("  waiting for \(waiting): 'swiftgate attach \(status.name)' answers it") }
        return lines
    }
}
