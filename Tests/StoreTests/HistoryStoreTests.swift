import Foundation
@testable import Store
import XCTest

final class HistoryStoreTests: StoreTestCase {
    func testConnectionRoundTripsEveryField() throws {
        let store = try makeStore()
        var record = ConnectionRecord(gatewayName: "corp", url: "https://vpn.example.com/eng", startedAt: date(0),
                                      endedAt: date(90), outcome: "disconnected",
                                      phaseTimings: ["tls": 41, "group-select": 12, "user-auth": 350, "cstp": 20, "dtls": 7],
                                      transport: .dtls, bytesIn: 5_000_000_000, bytesOut: 1234)
        let id = try store.recordConnection(record)
        record.id = id
        XCTAssertEqual(try store.history(), [record])
    }

    func testHistoryIsNewestFirstAndLimited() throws {
        let store = try makeStore()
        var ids: [Int64] = []
        for (offset, gateway) in [(0.0, "a"), (30.0, "b"), (10.0, nil), (20.0, "a")] as [(TimeInterval, String?)] {
            ids.append(try store.recordConnection(ConnectionRecord(gatewayName: gateway, url: "https://x/\(offset)",
                                                                   startedAt: date(offset))))
        }
        XCTAssertEqual(Set(ids).count, 4)
        XCTAssertEqual(try store.history().map(\.startedAt), [date(30), date(20), date(10), date(0)])
        XCTAssertEqual(try store.history(limit: 2).map(\.startedAt), [date(30), date(20)])
        XCTAssertEqual(try store.history(gateway: "a").map(\.startedAt), [date(20), date(0)])
        XCTAssertEqual(try store.history(limit: 0), [])
    }

    func testFinishConnectionCompletesTheRecord() throws {
        let store = try makeStore()
        let started = ConnectionRecord(gatewayName: "corp", url: "https://vpn.example.com", startedAt: date(0),
                                       phaseTimings: ["tls": 40])
        let id = try store.recordConnection(started)
        let running = try XCTUnwrap(store.history().first)
        XCTAssertNil(running.endedAt)
        XCTAssertEqual(running.outcome, "connecting")
        XCTAssertNil(running.transport)

        XCTAssertTrue(try store.finishConnection(id: id, endedAt: date(600), outcome: "disconnected", transport: .tls,
                                                 bytesIn: 10, bytesOut: 20))
        var finished = try XCTUnwrap(store.history().first)
        XCTAssertEqual(finished.id, id)
        XCTAssertEqual(finished.endedAt, date(600))
        XCTAssertEqual(finished.outcome, "disconnected")
        XCTAssertEqual(finished.transport, .tls)
        XCTAssertEqual(finished.bytesIn, 10)
        XCTAssertEqual(finished.bytesOut, 20)
        XCTAssertEqual(finished.phaseTimings, ["tls": 40], "nil timings keep the recorded ones")

        try store.finishConnection(id: id, endedAt: date(700), outcome: "error: gateway closed the connection",
                                   transport: nil, bytesIn: 0, bytesOut: 0, phaseTimings: ["tls": 40, "user-auth": 9])
        finished = try XCTUnwrap(store.history().first)
        XCTAssertEqual(finished.phaseTimings, ["tls": 40, "user-auth": 9])
        XCTAssertNil(finished.transport)

        XCTAssertFalse(try store.finishConnection(id: id + 100, endedAt: date(1), outcome: "x", transport: nil,
                                                  bytesIn: 0, bytesOut: 0))
    }
}
