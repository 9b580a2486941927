/// A prompt file read and converted for playout: 48 kHz mono 16-bit PCM.
public struct PromptFile: Sendable, Equatable {
    /// The output rate of every prompt (the Opus/RTP clock).
    public static let sampleRate = 48_000

    public let path: String
    /// Mono samples at 48 kHz.
    public let samples: [Int16]
    /// The file's own rate and channel count, before conversion.
    public let sourceSampleRate: Int
    public let sourceChannels: Int

    public init(path: String, samples: [Int16], sourceSampleRate: Int, sourceChannels: Int) {
        self.path = path
        self.samples = samples
        self.sourceSampleRate = sourceSampleRate
        self.sourceChannels = sourceChannels
    }

    /// The length of the converted audio.
    public var duration: Duration {
        .nanoseconds(Int64(samples.count) * 1_000_000_000 / Int64(Self.sampleRate))
    }
}
