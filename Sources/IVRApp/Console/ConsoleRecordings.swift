import Flow
import Foundation

/// A call's recordings: the WAV files the flow engine wrote as `<call id, made safe>-<step>.wav` in the
/// recordings folder. A file is served only when its name is one this listing returns for the call,
/// so a name from the URL is never joined into a path unchecked (no traversal, no other call's files).
struct ConsoleRecordings: Sendable {
    let directory: String

    func names(callID: String) -> [String] {
        let prefix = FlowEngine.recordingPrefix(callID: callID)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".wav") && !$0.contains("/") }.sorted()
    }

    /// The file's path, if `name` is one of the call's recordings and a regular file (not a link).
    func path(callID: String, name: String) -> String? {
        guard names(callID: callID).contains(name) else { return nil }
        let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
        // Not followed: a symbolic link is not served.
        guard let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType,
              type == .typeRegular else { return nil }
        return path
    }
}
