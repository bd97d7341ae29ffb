/// A CSTP stream that does not follow the framing of protocol.md §3.4.
public enum CSTPFrameError: Error, Equatable, Sendable, CustomStringConvertible {
    case badMagic([UInt8])
    case nonZeroReserved(UInt8)
    case tooLong(Int)

    public var description: String {
        switch self {
        case .badMagic(let bytes):
            return "CSTP frame without the STF magic (got \(bytes.map { String($0, radix: 16) }.joined(separator: " ")))"
        case .nonZeroReserved(let value): return "CSTP frame with a non-zero reserved byte (\(value))"
        case .tooLong(let length): return "CSTP frame claims \(length) payload bytes, more than \(CSTPFraming.maxPayload)"
        }
    }
}
