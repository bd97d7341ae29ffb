import Foundation

/// Runs a blocking vault call on a thread of its own, so a slow session bus never holds a thread of Swift's
/// cooperative pool (the engine's prompts and the data plane's callbacks share it).
public enum VaultCall {
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws(VaultError) -> T) async throws(VaultError) -> T {
        let result: Result<T, VaultError> = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                do throws(VaultError) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}
