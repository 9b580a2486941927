import Foundation
import Yams

/// The flow chosen for a call.
public struct FlowRoute: Equatable, Sendable {
    public var flow: String
    public var file: String
    /// True when no flow claimed the number and the default flow was used.
    public var isDefault: Bool
}

/// Maps a business number (`metadata.phone_number_id`) to the flow that answers it.
/// Reads each flow file's header (`name`, `numbers`); the flow engine reads the rest.
public struct FlowRoutes: Sendable, Equatable {
    public private(set) var byNumber: [String: FlowRoute] = [:]
    public private(set) var flows: [String: String] = [:]
    public var defaultFlow: String?

    public init(byNumber: [String: FlowRoute] = [:], flows: [String: String] = [:], defaultFlow: String? = nil) {
        self.byNumber = byNumber
        self.flows = flows
        self.defaultFlow = defaultFlow
    }

    public func route(phoneNumberID: String) -> FlowRoute? {
        if let r = byNumber[phoneNumberID] { return r }
        guard let name = defaultFlow, let file = flows[name] else { return nil }
        return FlowRoute(flow: name, file: file, isDefault: true)
    }

    /// Loads the headers of every `*.yaml`/`*.yml` in `directory`. Two flows claiming one number,
    /// a duplicate flow name, or an unknown default flow is an error naming the files.
    public static func load(directory: String, defaultFlow: String?) throws -> FlowRoutes {
        var routes = FlowRoutes(defaultFlow: defaultFlow)
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            if let defaultFlow {
                throw ConfigError(source: directory, message: "flows directory not found, so default flow '\(defaultFlow)' cannot exist")
            }
            return routes
        }
        let names = try fm.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .sorted()
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            let header = try readHeader(path: path)
            let flowName = header.name ?? (name as NSString).deletingPathExtension
            if let other = routes.flows[flowName] {
                throw ConfigError(source: path, line: header.nameLine,
                                  message: "flow name '\(flowName)' is already used by \(other)")
            }
            routes.flows[flowName] = path
            for (number, line) in header.numbers {
                if let other = routes.byNumber[number] {
                    throw ConfigError(source: path, line: line,
                                      message: "number \(number) is already answered by flow '\(other.flow)' (\(other.file))")
                }
                routes.byNumber[number] = FlowRoute(flow: flowName, file: path, isDefault: false)
            }
        }
        if let defaultFlow, routes.flows[defaultFlow] == nil {
            let known = routes.flows.keys.sorted().joined(separator: ", ")
            throw ConfigError(source: directory, message: "default flow '\(defaultFlow)' not found; flows here: \(known.isEmpty ? "none" : known)")
        }
        if defaultFlow == nil, routes.flows.count == 1, let only = routes.flows.keys.first {
            routes.defaultFlow = only
        }
        return routes
    }

    struct Header {
        var name: String?
        var nameLine: Int?
        var numbers: [(String, Int?)] = []
    }

    static func readHeader(path: String) throws -> Header {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(source: path, message: "cannot read flow file: \(error.localizedDescription)")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let e as YamlError {
            throw ConfigError(source: path, line: e.line, message: "YAML syntax error: \(e.shortDescription)")
        }
        guard case let .mapping(m)? = node else {
            throw ConfigError(source: path, line: node?.mark?.line, message: "a flow file must be a mapping with 'name', 'numbers', 'start' and 'steps'")
        }
        var header = Header()
        if let n = m["name"] {
            guard case let .scalar(s) = n, !s.string.isEmpty else {
                throw ConfigError(source: path, line: n.mark?.line, message: "'name' must be a non-empty string")
            }
            header.name = s.string
            header.nameLine = n.mark?.line
        }
        if let nums = m["numbers"] {
            guard case let .sequence(seq) = nums else {
                throw ConfigError(source: path, line: nums.mark?.line, message: "'numbers' must be a list of phone_number_id strings")
            }
            for item in seq {
                guard case let .scalar(s) = item, !s.string.isEmpty else {
                    throw ConfigError(source: path, line: item.mark?.line, message: "'numbers' entries must be phone_number_id strings")
                }
                header.numbers.append((s.string, item.mark?.line))
            }
        }
        return header
    }
}
