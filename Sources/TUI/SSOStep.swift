import Engine
import QRCode

/// A single sign-on step under way, as the interface shows it: the engine's progress, when it began, and the
/// login URL as a QR code for a phone or another machine (issue 11).
public struct SSOStep: Sendable, Equatable {
    public var progress: SSOProgress
    public var since: Double
    public var qrCode: QRCodeMatrix?

    public init(progress: SSOProgress, since: Double) {
        self.progress = progress
        self.since = since
        self.qrCode = QRCodeMatrix.encode(progress.loginURL)
    }

    public func secondsLeft(now: Double) -> Int { max(0, progress.timeoutSeconds - Int(now - since)) }
}
