import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One fuzz target: a name (the `FUZZ_TARGET` value and the corpus folder under Fuzz/corpus) and the
/// function that feeds one input to the code under test and checks its invariants.
public struct FuzzTarget: Sendable {
    public let name: String
    public let run: @Sendable ([UInt8]) -> Void

    public init(name: String, run: @escaping @Sendable ([UInt8]) -> Void) {
        self.name = name
        self.run = run
    }

    /// The target `FUZZ_TARGET` names. An unknown or missing name ends the process before any fuzzing.
    public static func selected(from all: [FuzzTarget], program: String) -> FuzzTarget {
        let name = getenv("FUZZ_TARGET").map { String(cString: $0) } ?? ""
        if let target = all.first(where: { $0.name == name }) { return target }
        if all.count == 1, name.isEmpty { return all[0] }
        let names = all.map(\.name).joined(separator: ", ")
        printError("\(program): set FUZZ_TARGET to one of: \(names) (got '\(name)')")
        exit(2)
    }

    /// A plain (not `--sanitize=fuzzer`) build's `main`: replays the given files, or every file in the
    /// given folders, through the target once each (e.g. the committed corpus under a debugger or TSan).
    public static func replay(arguments: [String], target: @autoclosure () -> FuzzTarget, program: String) -> CInt {
        guard !arguments.isEmpty else {
            printError("usage: FUZZ_TARGET=<target> \(program) FILE|FOLDER... (replays inputs; build with --sanitize=fuzzer to fuzz)")
            return 2
        }
        var files: [String] = []
        for path in arguments {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                printError("\(program): no such file or folder: \(path)")
                return 2
            }
            if isFolder.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += names.sorted().map { (path as NSString).appendingPathComponent($0) }
            } else {
                files.append(path)
            }
        }
        let chosen = target()
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            chosen.run([UInt8](data))
        }
        print("\(program): \(chosen.name): replayed \(files.count) inputs")
        return 0
    }

    /// libFuzzer's input as bytes (an empty input may come with a null pointer).
    public static func input(_ data: UnsafeRawPointer?, _ size: Int) -> [UInt8] {
        data.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
    }

    /// The command-line arguments after the program name.
    public static func arguments(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> [String] {
        (1..<max(1, Int(argc))).compactMap { i in argv?[i].map { String(cString: $0) } }
    }
}
