/// Receive moderation for the data plane loop (issue 12), in software, as a NIC does it in hardware (interrupt
/// moderation, ethtool's `rx-usecs`): after a turn that took a run of DTLS datagrams and emptied the socket, the
/// loop pauses a few microseconds before it polls again, so the next turn finds a batch where it would find one
/// datagram.
///
/// Why: a datagram arrives about every 10 µs at 1 Gbit/s, and without the pause the loop woke for 1–4 of them,
/// paying a poll, a context switch, an empty `recvmmsg` and a tun write (with the kernel's TCP receive behind it)
/// each time. Measured in the lab (DTLS download, 5 s, `perf stat` of the client): `recvmmsg` calls 324,000 →
/// 86,000, tun writes 127,000 → 31,000, context switches 79,000 → 43,000, CPU per GB 4.6–5.4 s → 2.9–3.6 s, with
/// throughput up, not down (docs/PERFORMANCE.md, sixth pass).
///
/// What it costs: the packets of the turn are written before the pause, so only a packet that arrives during it
/// waits, by at most the pause plus the thread's timer slack (50 µs by default). A lone datagram (a ping, a DNS
/// answer, an interactive keystroke) starts no pause, so sparse traffic never waits.
public struct ReceiveModeration: Sendable, Equatable {
    /// The loop's setting: 30 µs after a run of two or more datagrams.
    public static let standard = ReceiveModeration(pauseMicroseconds: 30, minimumRun: 2)
    /// No pause ever.
    public static let off = ReceiveModeration(pauseMicroseconds: 0, minimumRun: 1)

    public let pauseMicroseconds: Int
    /// The fewest datagrams in one turn that start a pause.
    public let minimumRun: Int

    public init(pauseMicroseconds: Int, minimumRun: Int) {
        self.pauseMicroseconds = max(0, pauseMicroseconds)
        self.minimumRun = max(1, minimumRun)
    }

    /// The pause before the next poll, in microseconds (0: none), after a turn that took `received` datagrams.
    /// `drained`: the turn ended because the socket had no more; a turn cut short by its bound has more waiting,
    /// and the next poll returns at once without a pause.
    public func pause(afterReceiving received: Int, drained: Bool) -> Int {
        guard drained, received >= minimumRun else { return 0 }
        return pauseMicroseconds
    }
}
