#if canImport(Glibc)
import Glibc
#endif

/// The libFuzzer entry point of `ivr-fuzz`: one executable, one fuzz target per parser, chosen by the
/// `FUZZ_TARGET` environment variable (see Fuzz/README.md). Built with `--sanitize=fuzzer`, libFuzzer
/// supplies `main`; a plain build links a binary that does nothing.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
    selectedTarget.run(bytes)
    return 0
}

/// One fuzz target: a name (the `FUZZ_TARGET` value and the corpus folder under Fuzz/corpus) and the
/// function that feeds one input to the code under test and checks its invariants.
struct FuzzTarget: Sendable {
    let name: String
    let run: @Sendable ([UInt8]) -> Void

    static let all: [FuzzTarget] = [
        FuzzTarget(name: "webhook", run: WebhookFuzz.run),
        FuzzTarget(name: "sdp", run: SDPFuzz.run),
        FuzzTarget(name: "stun-ice", run: ICEFuzz.run),
        FuzzTarget(name: "rtp", run: RTPFuzz.run),
        FuzzTarget(name: "rfc4733", run: TelephoneEventFuzz.run),
        FuzzTarget(name: "dtls", run: DTLSFuzz.run),
        FuzzTarget(name: "flow", run: FlowFuzz.run),
        FuzzTarget(name: "config", run: ConfigFuzz.run),
    ]
}

/// Read once, on the first input. An unknown or missing name ends the process before any fuzzing.
let selectedTarget: FuzzTarget = {
    let name = getenv("FUZZ_TARGET").map { String(cString: $0) } ?? ""
    if let target = FuzzTarget.all.first(where: { $0.name == name }) { return target }
    let names = FuzzTarget.all.map(\.name).joined(separator: ", ")
    printError("ivr-fuzz: set FUZZ_TARGET to one of: \(names) (got '\(name)')")
    exit(2)
}()
