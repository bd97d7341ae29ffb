import ArgumentParser
import Engine
import Foundation
import Service

/// What the headless service commands share.
enum ServiceQuery {
    static func status(program: String) throws -> [ConnectionStatus] {
        do {
            let client = try ServiceAccess.open(program: program)
            defer { client.close() }
            return try client.status()
        } catch {
            throw failure("\(error)")
        }
    }

    static func failure(_ text: String) -> ExitCode {
        FileManager.default.standardError("swiftgate: \(text)\n")
        return ExitCode(1)
    }

    static func json<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
