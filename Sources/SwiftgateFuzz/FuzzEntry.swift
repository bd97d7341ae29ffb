#if FUZZING
import Glibc

/// libFuzzer's entry: the target comes from SWIFTGATE_FUZZ_TARGET (set by scripts/fuzz/run.sh).
nonisolated(unsafe) private var selected: FuzzTarget = .auth

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    selected.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(_ argc: UnsafeMutablePointer<CInt>,
                       _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                       _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// SwiftPM links an executable's entry point as `<module>_main`; under -sanitize=fuzzer it hands over to
/// libFuzzer's driver.
@_cdecl("SwiftgateFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    if let name = getenv("SWIFTGATE_FUZZ_TARGET").map({ String(cString: $0) }), let target = FuzzTarget(rawValue: name) {
        selected = target
    }
    var count = argc
    var vector = argv
    return runDriver(&count, &vector, fuzzOneInput)
}
#else
import Foundation

/// Built without the fuzzer: `SwiftgateFuzz TARGET FILE…` runs files through a target (replaying a crash).
@main
struct SwiftgateFuzzReplay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            print("usage: SwiftgateFuzz \(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")) FILE...")
            exit(2)
        }
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            target.run(Array(data))
            print("ok \(path)")
        }
    }
}
#endif
