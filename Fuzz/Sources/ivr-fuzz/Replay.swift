import FuzzSupport

/// The entry point of a plain build: `FUZZ_TARGET=sdp .build/debug/ivr-fuzz Fuzz/corpus/sdp` replays inputs.
/// SwiftPM links an executable's `main` to `<module>_main`; a fuzzer build skips that alias, so there
/// libFuzzer's own `main` runs and this function is never called.
@_cdecl("ivr_fuzz_main")
func replayMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzTarget.replay(arguments: FuzzTarget.arguments(argc, argv), target: selectedTarget, program: "ivr-fuzz")
}
