import Foundation
import Glibc

/// Run through sudo, Swiftgate writes into the invoking user's directories (DESIGN.md §3) as root. Files and
/// directories it creates there are handed to that user, or the user's own later runs could not open them.
public struct SudoHandover: Sendable {
    public var userID: UInt32
    public var groupID: UInt32
    /// Changes the owner of what `descriptor` has open (`path` names it in errors). On the descriptor, never by
    /// path: a path can be swapped for a link between creating and handing over (issue 13, item 4). Injectable
    /// so tests can check the handover without being root.
    public var changeOwner: @Sendable (_ descriptor: Int32, _ path: String, _ userID: UInt32, _ groupID: UInt32) throws(StoreError) -> Void

    public init(userID: UInt32, groupID: UInt32,
                changeOwner: @escaping @Sendable (Int32, String, UInt32, UInt32) throws(StoreError) -> Void = SudoHandover.fchown) {
        self.userID = userID
        self.groupID = groupID
        self.changeOwner = changeOwner
    }

    /// The handover for this process: only when running as root with SUDO_UID and SUDO_GID naming another user.
    public static func fromSudo(environment: [String: String] = ProcessInfo.processInfo.environment,
                                effectiveUserID: UInt32 = geteuid()) -> SudoHandover? {
        guard effectiveUserID == 0,
              let userID = environment["SUDO_UID"].flatMap(UInt32.init), userID != 0,
              let groupID = environment["SUDO_GID"].flatMap(UInt32.init)
        else { return nil }
        return SudoHandover(userID: userID, groupID: groupID)
    }

    /// The real fchown(2).
    @Sendable
    public static func fchown(_ descriptor: Int32, path: String, userID: UInt32, groupID: UInt32) throws(StoreError) {
        guard Glibc.fchown(descriptor, userID, groupID) == 0 else {
            throw .cannotHandOver(path: path, userID: userID, groupID: groupID, reason: String(cString: strerror(errno)))
        }
    }
}
