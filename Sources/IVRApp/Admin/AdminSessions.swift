import Foundation
import Hashing
import NIOConcurrencyHelpers

/// The console's logins: an in-memory table of random session ids (32 bytes from OpenSSL), each with
/// its own CSRF token and an absolute expiry. A restart logs everyone out; that is fine for an admin
/// console. The table is bounded: past `maxSessions` the oldest login is dropped.
public final class AdminSessions: Sendable {
    public struct Session: Sendable, Equatable {
        public var csrf: String
        public var expires: Date
    }

    public static let cookieName = "ivr_session"
    public let lifetime: TimeInterval
    let maxSessions: Int
    private let table = NIOLockedValueBox<[String: Session]>([:])

    public init(lifetime: TimeInterval = 8 * 3600, maxSessions: Int = 1000) {
        self.lifetime = lifetime
        self.maxSessions = maxSessions
    }

    /// A new session; returns its id (the cookie's value) and the session.
    public func create(now: Date = Date()) -> (id: String, session: Session) {
        let id = Hex.encode(SecureRandom.bytes(32))
        let session = Session(csrf: Hex.encode(SecureRandom.bytes(32)), expires: now.addingTimeInterval(lifetime))
        table.withLockedValue { t in
            t = t.filter { $0.value.expires > now }
            while t.count >= maxSessions, let oldest = t.min(by: { $0.value.expires < $1.value.expires }) {
                t[oldest.key] = nil
            }
            t[id] = session
        }
        return (id, session)
    }

    /// The live session with this id (compared in constant time against each stored id), if any.
    public func session(id: String, now: Date = Date()) -> Session? {
        guard id.count == 64 else { return nil }
        return table.withLockedValue { t in
            // Every stored id has 64 characters, like `id`: a byte-wise constant-time compare suffices.
            let presented = Array(id.utf8)
            var found: Session?
            for (key, value) in t where constantTimeEqual(presented, key.utf8) { found = value }
            guard let found, found.expires > now else { return nil }
            return found
        }
    }

    public func end(id: String) {
        _ = table.withLockedValue { $0.removeValue(forKey: id) }
    }

    /// The session id in a `Cookie:` header.
    public static func cookieValue(_ header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces)
            if pair.hasPrefix(cookieName + "=") {
                let value = String(pair.dropFirst(cookieName.count + 1))
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }

    /// `Set-Cookie` for a new session: HttpOnly, SameSite=Strict, the whole listener, expiring with it.
    public func setCookie(id: String) -> String {
        "\(Self.cookieName)=\(id); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(Int(lifetime))"
    }

    public static var clearCookie: String {
        "\(cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
    }
}
