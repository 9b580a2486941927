import Audio
import DTMF

/// Tuning for `CallerAudioPipeline`. The defaults are what a WhatsApp call uses.
public struct CallerAudioConfiguration: Sendable, Equatable {
    /// The rate the caller's Opus is decoded at, and the rate of `recordingFrames`: 16,000 or 48,000.
    /// WhatsApp's offers announce a wideband caller (`maxplaybackrate=16000`), so 16 kHz keeps all
    /// of it, feeds the voice activity detector, in-band DTMF and speech directly (no resampling),
    /// and records voicemail at 16 kHz.
    public var sampleRate = 16_000
    /// The caller's jitter buffer.
    public var jitter = JitterBufferConfiguration()
    /// RFC 4733 receiver, in-band detector and de-duplication.
    public var dtmf = DTMFDetector.Configuration()
    /// Speech start and end (barge-in, utterances, recordings that end on silence).
    public var voiceActivity = VoiceActivityConfiguration()
    /// 16 kHz frames kept while the caller is quiet and a recognizer listens, fed to it first when
    /// speech starts, so the start of an utterance (before the detector decides) is not lost.
    /// Ten 20 ms frames: 200 ms.
    public var preRollFrames = 10
    /// While the caller's packets keep coming, each batch (about 60 ms apart) pulls the jitter
    /// buffer on arrival; its own deadline matters only once they stop (a gap, DTX, a hang-up), so
    /// the playout deadline is held back to this long after the last packet: no 20 ms timer per call.
    public var audioIdle: Duration = .milliseconds(150)
    /// After our prompt stops, its echo can still arrive for about a round trip: speech must stay
    /// above the playback level (`VoiceActivityConfiguration.playbackMinimumLevelDBFS`) this long.
    public var echoTail: Duration = .milliseconds(300)
    /// A recording that ends on silence finishes at the end of speech only after this much audio.
    public var minimumSecondsBeforeSilence = 0.5
    /// The decoded stream is time-stamped by counting its samples; when that count drifts this far
    /// from the clock (listening resumed, the caller's packets stopped), the timeline restarts at `now`.
    public var timelineTolerance: Duration = .milliseconds(500)

    public init() {}
}
