// swift-tools-version:6.0
import PackageDescription

/// The media path's modules, run for every packet of every call: release builds leave out Swift's dynamic
/// exclusivity checks (`swift_beginAccess` on each access to a class's stored property: 10 % of the
/// instructions per packet, Benchmarks/README.md). Debug builds, which every test run uses, keep them, so a
/// conflicting access is still caught there.
let mediaPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "whatsapp-ivr",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ivrd", targets: ["ivrd"]),
        .library(name: "IVRApp", targets: ["IVRApp"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.24.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.10.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // Thin system-library targets: modulemap + shim.h only.
        .systemLibrary(name: "COpus", pkgConfig: "opus", providers: [.apt(["libopus-dev"])]),
        .systemLibrary(name: "CSRTP", pkgConfig: "libsrtp2", providers: [.apt(["libsrtp2-dev"])]),
        // NSS, only to initialise it for libsrtp2 (Debian builds libsrtp2 on NSS): see Sources/CNSS/shim.h.
        .systemLibrary(name: "CNSS", pkgConfig: "nss", providers: [.apt(["libnss3-dev"])]),
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSoxr", pkgConfig: "soxr", providers: [.apt(["libsoxr-dev"])]),
        // CMU Flite text-to-speech and its US English voices (no .pc file: the modulemap links them).
        .systemLibrary(name: "CFlite", providers: [.apt(["flite1-dev"])]),
        // eSpeak NG text-to-speech: the `say:` voice for languages other than English.
        .systemLibrary(name: "CEspeakNG", pkgConfig: "espeak-ng", providers: [.apt(["libespeak-ng-dev"])]),
        // PocketSphinx 5prealpha (Debian 12) and its sphinxbase; the .pc adds both include dirs.
        .systemLibrary(name: "CPocketSphinx", pkgConfig: "pocketsphinx",
                       providers: [.apt(["libpocketsphinx-dev", "libsphinxbase-dev", "pocketsphinx-en-us"])]),

        // Byte reader/writer, clocks, sequence arithmetic. Pure Swift.
        .target(name: "Wire", swiftSettings: mediaPath),
        // SDP parsing, negotiation of one audio m-line, and the answer builder.
        .target(name: "SDP", dependencies: ["Wire"]),
        // STUN messages (RFC 8489) and the full ICE agent (RFC 8445, consent freshness RFC 7675).
        .target(name: "STUN", dependencies: ["Wire", "Hashing"], swiftSettings: mediaPath),
        .target(name: "ICE", dependencies: ["STUN", "Wire", "Hashing"], swiftSettings: mediaPath),
        // RTP/RTCP packets, statistics, NTP time, RFC 7983 demultiplexing.
        .target(name: "RTP", dependencies: ["Wire"], swiftSettings: mediaPath),
        // SRTP protect/unprotect through libsrtp2, and the DTLS-SRTP protection profiles.
        .target(name: "SRTP", dependencies: ["CSRTP", "CNSS", "Wire"], swiftSettings: mediaPath),
        // Offline keyword recognition for voice menus (PocketSphinx), off the media path.
        .target(name: "Speech", dependencies: ["CPocketSphinx", "Wire"]),
        // RFC 4733 telephone events, in-band (Goertzel) detection, one digit per key press.
        .target(name: "DTMF", dependencies: ["Wire"], swiftSettings: mediaPath),
        // Opus encoder/decoder, prompt files and cache, jitter buffer, voice activity.
        .target(name: "Audio", dependencies: ["COpus", "CSndFile", "CSoxr", "Wire"], swiftSettings: mediaPath),
        // Text-to-speech for `say:` prompts (Flite for English, eSpeak NG for other languages),
        // rendered into the spoken-prompt cache.
        .target(name: "Synthesis", dependencies: ["CFlite", "CEspeakNG", "Audio"]),
        // Sans-IO media session: demultiplexing, ICE, DTLS, SRTP, RTP/RTCP for one call.
        .target(name: "Media", dependencies: [
            "Wire", "Audio", "STUN", "ICE", "DTLS", "SRTP", "RTP", "DTMF",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: mediaPath),
        // The IO edge for media: NIO UDP sockets and timers driving the sessions.
        .target(name: "MediaTransport", dependencies: [
            "Media", "Wire", "SDP", "DTLS", "Hashing",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ], swiftSettings: mediaPath),
        // DTLS 1.2 over OpenSSL memory BIOs (no sockets): handshake, fingerprint check, SRTP key export.
        .target(name: "DTLS", dependencies: ["COpenSSL", "Wire", "Hashing", "SRTP"], swiftSettings: mediaPath),
        // HMAC, digests, randomness and constant-time compare over OpenSSL.
        .target(name: "Hashing", dependencies: ["COpenSSL"]),
        // GRDB records, migrations and repositories.
        .target(name: "Store", dependencies: [
            "Wire",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The same store on PostgreSQL (postgres-nio), for several instances sharing one database.
        .target(name: "StorePostgres", dependencies: [
            "Store",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Webhook payloads, signature check, Graph API client.
        // The webhook's wire format: payload types, the decoder, the signature, wire times (no IO).
        .target(name: "WhatsAppWire", dependencies: ["Hashing", "Wire"]),
        .target(name: "WhatsApp", dependencies: [
            "WhatsAppWire", "Hashing", "Wire", "Store",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOFoundationCompat", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // Flow files: model, YAML loader with line numbers, validator, sans-IO engine, simulator, graph.
        .target(name: "Flow", dependencies: [
            "Wire",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Config, routing, webhook processing, HTTP surface and services.
        .target(name: "IVRApp", dependencies: [
            "WhatsApp", "Store", "StorePostgres", "Wire", "Hashing", "Media", "MediaTransport", "SRTP", "Flow", "Audio", "DTMF", "Speech", "Synthesis",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .executableTarget(name: "ivrd", dependencies: [
            "IVRApp", "Audio", "Media", "MediaTransport", "Flow", "Store", "Synthesis",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Benchmarks (`make bench`, release build): results in Benchmarks/results/.
        .executableTarget(name: "ivr-bench", dependencies: [
            "WhatsApp", "SDP", "STUN", "SRTP", "RTP", "DTLS", "Media", "Flow", "Wire", "Hashing", "Audio",
            .product(name: "NIOCore", package: "swift-nio"),
        ], path: "Benchmarks/Sources/ivr-bench"),
        // Load generator (`make bench`): N WhatsApp-shaped calls over loopback against a server.
        .executableTarget(name: "ivr-load", dependencies: [
            "Media", "MediaTransport", "SDP", "DTLS", "DTMF", "Audio", "Hashing", "Wire",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "Benchmarks/Sources/ivr-load"),
        .executableTarget(name: "speech-bench", dependencies: [
            "Speech", "Audio", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Benchmarks/Sources/speech-bench"),
        // libFuzzer targets, one per parser, in one executable (`FUZZ_TARGET` picks the parser); see Fuzz/README.md.
        // `make fuzz` builds it with --sanitize=fuzzer --sanitize=address; a plain build links a do-nothing binary.
        // libFuzzer targets (Fuzz/README.md). ivr-fuzz covers the wire parsers and flows with a small
        // dependency closure (a quick sanitized release build); ivr-fuzz-config needs the whole daemon.
        .target(name: "FuzzSupport", path: "Fuzz/Sources/FuzzSupport"),
        .executableTarget(name: "ivr-fuzz", dependencies: [
            "FuzzSupport", "WhatsAppWire", "SDP", "STUN", "ICE", "RTP", "DTMF", "DTLS", "Flow", "Wire",
        ], path: "Fuzz/Sources/ivr-fuzz"),
        .executableTarget(name: "ivr-fuzz-config", dependencies: ["FuzzSupport", "IVRApp"],
                          path: "Fuzz/Sources/ivr-fuzz-config"),
        // Test kit: manual clock, fixtures, a loopback HTTP stand-in for the Graph API.
        .target(name: "IVRTesting", dependencies: [
            "Wire", "Hashing",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),

        .testTarget(name: "SystemLibrariesTests", dependencies: ["COpus", "CSRTP", "CSndFile", "COpenSSL"]),
        .testTarget(name: "WireTests", dependencies: ["Wire", "IVRTesting"]),
        .testTarget(name: "HashingTests", dependencies: ["Hashing"]),
        .testTarget(name: "AudioTests", dependencies: ["Audio", "Wire"], exclude: ["Fixtures"]),
        .testTarget(name: "DTMFTests", dependencies: ["DTMF", "Wire", "Audio"], exclude: ["Fixtures"]),
        .testTarget(name: "SynthesisTests", dependencies: ["Synthesis", "Audio", "Speech", "Wire", "Flow"]),
        .testTarget(name: "SpeechTests", dependencies: ["Speech", "Audio", "Wire", "Flow"], exclude: ["make-testset.sh", "piper-voice.py"]),
        .testTarget(name: "SDPTests", dependencies: ["SDP", "Wire"], exclude: ["Fixtures"]),
        .testTarget(name: "STUNTests", dependencies: ["STUN", "Wire", "Hashing", "COpenSSL"], exclude: ["Fixtures"]),
        .testTarget(name: "ICETests", dependencies: ["ICE", "STUN", "Wire"]),
        .testTarget(name: "DTLSTests", dependencies: ["DTLS", "SRTP", "Wire", "Hashing"]),
        .testTarget(name: "FlowTests", dependencies: ["Flow", "Wire"], exclude: ["Fixtures"]),
        .testTarget(name: "MediaTests", dependencies: ["Media", "DTLS", "RTP", "STUN", "Wire", "Audio", "DTMF"]),
        .testTarget(name: "RTPTests", dependencies: ["RTP", "Wire"], exclude: ["Fixtures"]),
        .testTarget(name: "SRTPTests", dependencies: ["SRTP", "Wire", "Hashing", "COpenSSL"], exclude: ["Fixtures"]),
        .testTarget(name: "StoreTests", dependencies: [
            "Store", "StorePostgres", "Wire", .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
        .testTarget(name: "WhatsAppTests", dependencies: [
            "WhatsApp", "IVRTesting", "Store",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ], exclude: ["Fixtures"]),
        .testTarget(name: "IVRAppTests", dependencies: [
            "IVRApp", "IVRTesting", "WhatsApp", "Store", "Wire", "Media", "Flow", "ICE",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
