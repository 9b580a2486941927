import FuzzSupport

/// The libFuzzer entry point of `ivr-fuzz`: one executable, one fuzz target per wire parser (and flows),
/// chosen by the `FUZZ_TARGET` environment variable (see Fuzz/README.md). Built with `--sanitize=fuzzer`,
/// libFuzzer supplies `main`; a plain build's `main` replays files (`Replay.swift`).
/// Runs once before fuzzing: one empty input sets up the harness's lazy globals (fixed keys, peer
/// addresses), so LeakSanitizer does not take their one-time allocation for a leak of the first input.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?,
                           _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    selectedTarget.run([])
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
    selectedTarget.run(FuzzTarget.input(data, size))
    return 0
}

let allTargets: [FuzzTarget] = [
    FuzzTarget(name: "webhook", run: WebhookFuzz.run),
    FuzzTarget(name: "sdp", run: SDPFuzz.run),
    FuzzTarget(name: "stun-ice", run: ICEFuzz.run),
    FuzzTarget(name: "rtp", run: RTPFuzz.run),
    FuzzTarget(name: "rfc4733", run: TelephoneEventFuzz.run),
    FuzzTarget(name: "dtls", run: DTLSFuzz.run),
    FuzzTarget(name: "flow", run: FlowFuzz.run),
]

/// Read once, on the first input.
let selectedTarget = FuzzTarget.selected(from: allTargets, program: "ivr-fuzz")
