import Flow
import Foundation
import NIOConcurrencyHelpers

/// The flow chosen for a call: the whole validated flow, so a call keeps its version even if the
/// file changes while it runs.
public struct FlowRoute: Sendable {
    public var flow: Flow
    /// True when no flow claimed the number and the default flow answered.
    public var isDefault: Bool

    public var name: String { flow.name }
    public var file: String { flow.file }
}

/// The flows in `Flows/`, validated, routed by business number (`metadata.phone_number_id`), and
/// reloadable: a valid changed file replaces its flow for new calls; an invalid one is reported
/// (file:line) and its previous version stays.
public final class FlowCatalog: Sendable {
    public let directory: String
    public let promptsDirectory: String
    public let configuredDefault: String?
    /// Checks beyond the flow language (e.g. menu keywords missing from the speech dictionary).
    let check: (@Sendable (Flow) -> [Diagnostic])?

    struct State {
        var byFile: [String: Flow] = [:]
        var byNumber: [String: Flow] = [:]
        var byName: [String: Flow] = [:]
        var defaultFlow: Flow?
        /// Every version loaded since start, by hash, oldest first in `versionOrder` (bounded).
        var versions: [String: Flow] = [:]
        var versionOrder: [String] = []
    }

    /// How many earlier flow versions are kept for calls that ran them (their follow-ups).
    static let keptVersions = 256

    private let state = NIOLockedValueBox(State())

    /// Loads the directory; problems are returned by `reload()` — call it once and log them.
    public init(directory: String, promptsDirectory: String, defaultFlow: String?,
                check: (@Sendable (Flow) -> [Diagnostic])? = nil) {
        self.check = check
        self.directory = directory
        self.promptsDirectory = promptsDirectory
        self.configuredDefault = defaultFlow
    }

    /// Re-reads every flow file. Returns the diagnostics (errors and warnings), each naming file and line.
    @discardableResult
    public func reload() -> [Diagnostic] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            state.withLockedValue { $0 = State() }
            return [Diagnostic(severity: .error, file: directory, line: 1,
                               message: "flows directory not found; expected a folder of *.yaml flows (IVR_FLOWS)")]
        }
        var (loaded, diagnostics) = FlowLoader.loadDirectory(directory, promptsDirectory: promptsDirectory)
        if let check {
            diagnostics += loaded.flatMap(check)
            let failing = Set(diagnostics.filter { $0.severity == .error }.map(\.file))
            loaded.removeAll { failing.contains($0.file) }
        }
        let failedFiles = Set(diagnostics.filter { $0.severity == .error }.map(\.file))
        var extra: [Diagnostic] = []
        state.withLockedValue { s in
            var next = State()
            for flow in loaded { next.byFile[flow.file] = flow }
            // A file that no longer validates keeps serving its previous version.
            for file in failedFiles where next.byFile[file] == nil && FileManager.default.fileExists(atPath: file) {
                if let previous = s.byFile[file] {
                    next.byFile[file] = previous
                    extra.append(Diagnostic(severity: .warning, file: file, line: 1,
                                            message: "keeping the previous version of flow '\(previous.name)' until the file is fixed"))
                }
            }
            next.versions = s.versions
            next.versionOrder = s.versionOrder
            for flow in loaded where next.versions[flow.versionHash] == nil {
                next.versions[flow.versionHash] = flow
                next.versionOrder.append(flow.versionHash)
            }
            if next.versionOrder.count > Self.keptVersions {
                let current = Set(next.byFile.values.map(\.versionHash))
                for hash in next.versionOrder where next.versionOrder.count > Self.keptVersions && !current.contains(hash) {
                    next.versions[hash] = nil
                    next.versionOrder.removeAll { $0 == hash }
                }
            }
            for flow in next.byFile.values.sorted(by: { $0.file < $1.file }) {
                guard next.byName[flow.name] == nil else { continue }
                next.byName[flow.name] = flow
                for number in flow.numbers where next.byNumber[number] == nil { next.byNumber[number] = flow }
            }
            if let name = configuredDefault {
                next.defaultFlow = next.byName[name]
                if next.defaultFlow == nil {
                    let known = next.byName.keys.sorted().joined(separator: ", ")
                    extra.append(Diagnostic(severity: .error, file: directory, line: 1,
                                            message: "default flow '\(name)' not found; flows here: \(known.isEmpty ? "none" : known)"))
                }
            } else {
                next.defaultFlow = next.byName["main"] ?? (next.byName.count == 1 ? next.byName.values.first : nil)
            }
            s = next
        }
        return diagnostics + extra
    }

    public func route(phoneNumberID: String) -> FlowRoute? {
        state.withLockedValue { s in
            if let flow = s.byNumber[phoneNumberID] { return FlowRoute(flow: flow, isDefault: false) }
            return s.defaultFlow.map { FlowRoute(flow: $0, isDefault: true) }
        }
    }

    public func flow(named name: String) -> Flow? { state.withLockedValue { $0.byName[name] } }

    /// The version of `name` a call ran (by its hash), or the current one when that version is
    /// unknown (loaded by an earlier process) or not given.
    public func flow(named name: String, version: String?) -> Flow? {
        state.withLockedValue { s in
            if let version, let flow = s.versions[version], flow.name == name { return flow }
            return s.byName[name]
        }
    }
    public var flowNames: [String] { state.withLockedValue { $0.byName.keys.sorted() } }

    /// Each loaded flow's name and version (the first 12 characters of its hash), by name: what
    /// `instances` and `/healthz` show, so two instances running different flow versions can be seen.
    public var loadedVersions: [String: String] {
        state.withLockedValue { s in s.byName.mapValues { String($0.versionHash.prefix(12)) } }
    }

    /// `name@version` of each loaded flow, by name, comma-separated (the `instances` row).
    public var versionSummary: String {
        loadedVersions.sorted { $0.key < $1.key }.map { "\($0.key)@\($0.value)" }.joined(separator: ",")
    }
    public var defaultFlowName: String? { state.withLockedValue { $0.defaultFlow?.name } }
}
