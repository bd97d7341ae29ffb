/// Receive moderation for the data plane loop (issue 12), in software, as a NIC does it in hardware (interrupt
/// moderation, ethtool's `rx-usecs`): after a turn that took a run of DTLS datagrams or TLS records and emptied
/// the socket, the loop pauses a few microseconds before it polls again, so the next turn finds a batch where it
/// would find one.
///
/// Why: a datagram arrives about every 10 µs at 1 Gbit/s, and without the pause the loop woke for 1–4 of them,
/// paying a poll, a context switch, an empty `recvmmsg` and a tun write (with the kernel's TCP receive behind it)
/// each time. Measured in the lab (DTLS download, 5 s, `perf stat` of the client): `recvmmsg` calls 324,000 →
/// 86,000, tun writes 127,000 → 31,000, context switches 79,000 → 43,000, CPU per GB 4.6–5.4 s → 2.9–3.6 s, with
/// throughput up, not down (docs/PERFORMANCE.md, sixth pass).
///
/// TLS has the same shape: ocserv sends one record per packet, and poll woke for every TCP segment or two (TLS
/// download, 4 s: 117,745 polls and 112,640 context switches for 520 MB; docs/PERFORMANCE.md, seventh pass).
///
/// Only a turn that received a run of full datagrams, more than it sent, pauses. In an upload the datagrams that
/// arrive are the gateway's TCP ACKs (53 bytes each), and the tun holds the data to send: a pause there held back
/// the upload (`make bench`: 689 against 887 Mbit/s when any run paused, 811 against 911 when only a turn that
/// sent less than it received did).
///
/// What it costs: the packets of the turn are written before the pause, so only a packet that arrives during it
/// waits, by at most the pause plus the thread's timer slack (50 µs by default). A lone datagram (a ping, a DNS
/// answer, an interactive keystroke) starts no pause, so sparse traffic never waits.
public struct ReceiveModeration: Sendable, Equatable {
    /// What one loop turn moved.
    public struct Turn: Sendable, Equatable {
        /// DTLS datagrams and TLS records read from the gateway, and their bytes.
        public var records = 0
        public var recordBytes = 0
        /// The reads ended because the sockets had no more; a turn cut short by its bound has more waiting, and
        /// the next poll returns at once.
        public var drained = false
        /// Bytes read from the tun, to send.
        public var tunBytes = 0

        public init(records: Int = 0, recordBytes: Int = 0, drained: Bool = false, tunBytes: Int = 0) {
            self.records = records
            self.recordBytes = recordBytes
            self.drained = drained
            self.tunBytes = tunBytes
        }
    }

    /// The loop's setting: 30 µs after a run of two or more records of 512 bytes or more on average.
    public static let standard = ReceiveModeration(pauseMicroseconds: 30, minimumRun: 2, minimumMeanBytes: 512)
    /// No pause ever.
    public static let off = ReceiveModeration(pauseMicroseconds: 0, minimumRun: 1, minimumMeanBytes: 0)

    public let pauseMicroseconds: Int
    /// The fewest records in one turn that start a pause.
    public let minimumRun: Int
    /// The smallest mean size of the run's records that starts a pause: bulk data, not a run of ACKs.
    public let minimumMeanBytes: Int

    public init(pauseMicroseconds: Int, minimumRun: Int, minimumMeanBytes: Int) {
        self.pauseMicroseconds = max(0, pauseMicroseconds)
        self.minimumRun = max(1, minimumRun)
        self.minimumMeanBytes = max(0, minimumMeanBytes)
    }

    /// The pause before the next poll, in microseconds (0: none): after a turn that read a run of at least
    /// `minimumRun` records of `minimumMeanBytes` on average, emptied the sockets, and received more bytes than
    /// the tun gave it to send.
    public func pause(after turn: Turn) -> Int {
        guard turn.drained, turn.records >= minimumRun, turn.recordBytes >= turn.records * minimumMeanBytes,
              turn.recordBytes > turn.tunBytes else { return 0 }
        return pauseMicroseconds
    }
}
