import Foundation
import Glibc

/// Run through sudo, Swiftgate writes into the invoking user's directories (DESIGN.md §3) as root. Files and
/// directories it creates there are handed to that user, or the user's own later runs could not open them.
public struct SudoHandover: Sendable {
    public var userID: UInt32
    public var groupID: UInt32
    /// Changes a path's owner. Injectable so tests can check the handover without being root.
    public var changeOwner: @Sendable (_ path: String, _ userID: UInt32, _ groupID: UInt32) throws(StoreError) -> Void

    public init(userID: UInt32, groupID: UInt32,
                changeOwner: @escaping @Sendable (String, UInt32, UInt32) throws(StoreError) -> Void = SudoHandover.chown(_:userID:groupID:)) {
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

    /// The real chown(2); lchown would do the same for the plain files and directories the store creates.
    public static func chown(_ path: String, userID: UInt32, groupID: UInt32) throws(StoreError) {
        guard Glibc.chown(path, userID, groupID) == 0 else {
            throw .cannotHandOver(path: path, userID: userID, groupID: groupID, reason: String(cString: strerror(errno)))
        }
    }
}
