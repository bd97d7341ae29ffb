import XCTest
@testable import Engine
@testable import Service

final class EventHistoryTests: XCTestCase {
    func testReplayKeepsTheLatestStateOfEachKindInOrder() {
        var history = EventHistory()
        history.record(.phase(.tls, .started, milliseconds: nil, detail: []))
        history.record(.stats(TrafficStats(channel: .tls, bytesIn: 1, bytesOut: 1, packetsIn: 1, packetsOut: 1)))
        history.record(.log("one"))
        history.record(.phase(.tls, .done, milliseconds: 5, detail: []))
        history.record(.connected(transport: .tls))
        history.record(.stats(TrafficStats(channel: .tls, bytesIn: 9, bytesOut: 9, packetsIn: 9, packetsOut: 9)))
        XCTAssertEqual(history.replay, [
            .log("one"), .phase(.tls, .done, milliseconds: 5, detail: []), .connected(transport: .tls),
            .stats(TrafficStats(channel: .tls, bytesIn: 9, bytesOut: 9, packetsIn: 9, packetsOut: 9)),
        ])
    }

    /// A gateway that logs (or warns) without end cannot grow the history, and the phases stay in it.
    func testOtherEventsAreBoundedAndDoNotPushOutTheState() {
        var history = EventHistory()
        history.record(.phase(.tls, .done, milliseconds: 3, detail: []))
        for index in 0..<10_000 { history.record(.log("line \(index)")) }
        for index in 0..<10_000 { history.record(.warning("w\(index)", detail: [])) }
        for _ in 0..<10_000 { history.record(.channel(ChannelInfo(channel: .dtls, state: .backoff))) }
        let replay = history.replay
        XCTAssertEqual(replay.count, 1 + EventHistory.maxOtherEvents + 1)
        XCTAssertEqual(replay.first, .phase(.tls, .done, milliseconds: 3, detail: []))
        XCTAssertEqual(replay.last, .channel(ChannelInfo(channel: .dtls, state: .backoff)))
        XCTAssertEqual(replay[replay.count - 2], .warning("w9999", detail: []))
    }
}
