import Foundation

/// The entry point of a plain (not `--sanitize=fuzzer`) build: replays the given input files, or every file in
/// the given folders, through `FUZZ_TARGET` once each, e.g. the committed corpus under a debugger or TSan:
/// `FUZZ_TARGET=sdp .build/debug/ivr-fuzz Fuzz/corpus/sdp`.
///
/// SwiftPM links an executable's `main` to `<module>_main`; a fuzzer build skips that alias, so there
/// libFuzzer's own `main` runs and this function is never called.
@_cdecl("ivr_fuzz_main")
func replayMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    let arguments = (1..<max(1, Int(argc))).compactMap { i in argv?[i].map { String(cString: $0) } }
    guard !arguments.isEmpty else {
        printError("usage: FUZZ_TARGET=<target> ivr-fuzz FILE|FOLDER... (replays inputs; build with --sanitize=fuzzer to fuzz)")
        return 2
    }
    var files: [String] = []
    for path in arguments {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            printError("ivr-fuzz: no such file or folder: \(path)")
            return 2
        }
        if isFolder.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            files += names.sorted().map { (path as NSString).appendingPathComponent($0) }
        } else {
            files.append(path)
        }
    }
    let target = selectedTarget
    for file in files {
        guard let data = FileManager.default.contents(atPath: file) else { continue }
        target.run([UInt8](data))
    }
    print("ivr-fuzz: \(target.name): replayed \(files.count) inputs")
    return 0
}
