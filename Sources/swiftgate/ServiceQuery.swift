import ArgumentParser
import Engine
import Foundation
import Service
import Store

/// What the headless service commands share.
enum ServiceQuery {
    /// The connections up; those that ended lately finish their history in `store` (when given).
    static func status(program: String, store: SwiftgateStore? = nil) throws -> [ConnectionStatus] {
        try statusAndEnded(program: program, store: store).up
    }

    static func statusAndEnded(program: String, store: SwiftgateStore?) throws -> (up: [ConnectionStatus], ended: [ConnectionStatus]) {
        do {
            let client = try ServiceAccess.open(program: program)
            defer { client.close() }
            let answer = try client.statusAndEnded()
            if let store { HistoryRepair.finish(answer.ended, in: store) }
            return answer
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
