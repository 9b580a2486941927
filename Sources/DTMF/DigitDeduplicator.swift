import Wire

/// Reports a key press once when it is detected both ways, RFC 4733 and in-band (the tones are
/// often still in the audio next to the telephone-event packets; FreeSWITCH issue 2560 reported
/// such presses twice). The first report of a press passes at once; a later report of the same
/// digit from the *other* source whose `start` lies within `window` of it is dropped. Each
/// report can absorb only one report from the other source, so two presses of one key stay two.
public struct DigitDeduplicator: Sendable {
    public static let defaultWindow: Duration = .milliseconds(100)

    public let window: Duration
    /// Reports dropped as the other source's copy of a press already reported.
    public private(set) var suppressed = 0

    private struct Reported: Sendable {
        var event: DigitEvent
        var paired: Bool
    }

    private var history: [Reported] = []
    private static let memory = 32
    private static let horizon: Duration = .seconds(30)

    public init(window: Duration = DigitDeduplicator.defaultWindow) throws {
        guard window >= .zero else {
            throw DTMFError.invalidSetting(name: "duplicateWindow", value: "\(window)", expected: "zero or a positive duration")
        }
        self.window = window
    }

    /// Returns `event` when it is a new press, or nil when it is the other source's copy of one
    /// already reported.
    public mutating func admit(_ event: DigitEvent) -> DigitEvent? {
        let limit = window.totalNanoseconds
        if let index = history.firstIndex(where: {
            !$0.paired && $0.event.via != event.via && $0.event.digit == event.digit
                && abs(($0.event.start - event.start).totalNanoseconds) <= limit
        }) {
            history[index].paired = true
            suppressed += 1
            return nil
        }
        history.append(Reported(event: event, paired: false))
        history.removeAll { event.start - $0.event.start > Self.horizon }
        if history.count > Self.memory { history.removeFirst(history.count - Self.memory) }
        return event
    }
}
