import FuzzSupport

/// The libFuzzer entry point of `ivr-fuzz-config` (FUZZ_TARGET=config): the daemon's YAML configuration.
/// A separate product because it links the whole daemon (see Fuzz/README.md, "Two executables").
/// Runs once before fuzzing: one empty input sets up the harness's lazy globals (fixed keys, peer
/// addresses), so LeakSanitizer does not take their one-time allocation for a leak of the first input.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?,
                           _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    ConfigFuzz.run([])
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
    ConfigFuzz.run(FuzzTarget.input(data, size))
    return 0
}

/// A plain build's `main`: replays files through the config target.
@_cdecl("ivr_fuzz_config_main")
func replayMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzTarget.replay(arguments: FuzzTarget.arguments(argc, argv),
                      target: FuzzTarget(name: "config", run: ConfigFuzz.run), program: "ivr-fuzz-config")
}
