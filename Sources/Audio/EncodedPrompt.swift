/// One prompt encoded once into 20 ms Opus frames, shared by every call that plays it.
public final class EncodedPrompt: Sendable {
    public let id: String
    /// The file the frames were made from.
    public let path: String
    public let settings: OpusEncoderSettings
    /// One Opus packet per 20 ms (960 samples at 48 kHz); the last frame is zero-padded.
    public let frames: [[UInt8]]
    /// The length of the prompt's audio (before padding the last frame).
    public let duration: Duration
    /// The file's identity when made from a file; nil for rendered speech.
    let fileStat: FileStat?

    init(id: String, path: String, settings: OpusEncoderSettings, frames: [[UInt8]], duration: Duration,
         fileStat: FileStat?) {
        self.id = id
        self.path = path
        self.settings = settings
        self.frames = frames
        self.duration = duration
        self.fileStat = fileStat
    }

    /// Encodes 48 kHz mono samples into 20 ms frames with a fresh encoder.
    static func encode(_ samples: [Int16], settings: OpusEncoderSettings) throws -> [[UInt8]] {
        let encoder = try OpusEncoder(settings: settings)
        let n = OpusEncoder.frameSamples
        var frames: [[UInt8]] = []
        frames.reserveCapacity((samples.count + n - 1) / n)
        var start = 0
        while start < samples.count {
            let end = min(start + n, samples.count)
            var frame = Array(samples[start..<end])
            if frame.count < n { frame += [Int16](repeating: 0, count: n - frame.count) }
            frames.append(try encoder.encode(frame))
            start = end
        }
        return frames
    }
}
