import Foundation
import GRDB

/// One row of `outbound_calls`: what was asked for when we placed a call (its `calls` row has the same id).
public struct OutboundCallRecord: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord, StoreRecord {
    public static let databaseTableName = "outbound_calls"

    public var id: String
    public var phoneNumberID: String
    public var recipient: String
    public var flow: String
    public var variablesJSON: String?
    public var bizOpaqueCallbackData: String?
    public var waCallID: String?
    public var createdAt: Date

    public init(id: String, phoneNumberID: String, recipient: String, flow: String, variablesJSON: String? = nil,
                bizOpaqueCallbackData: String? = nil, waCallID: String? = nil, createdAt: Date) {
        self.id = id
        self.phoneNumberID = phoneNumberID
        self.recipient = recipient
        self.flow = flow
        self.variablesJSON = variablesJSON
        self.bizOpaqueCallbackData = bizOpaqueCallbackData
        self.waCallID = waCallID
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case phoneNumberID = "phone_number_id"
        case recipient, flow
        case variablesJSON = "variables_json"
        case bizOpaqueCallbackData = "biz_opaque_callback_data"
        case waCallID = "wa_call_id"
        case createdAt = "created_at"
    }
}

/// One row of `permissions`: a user's call permission for one business number, and our own count of
/// the calls in a row they did not answer.
public struct PermissionRecord: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord, StoreRecord {
    public static let databaseTableName = "permissions"

    public var phoneNumberID: String
    public var userID: String
    public var status: String
    public var expiresAt: Date?
    public var permissionJSON: String?
    public var checkedAt: Date?
    public var cacheUntil: Date?
    public var consecutiveUnanswered: Int
    public var lastRequestAt: Date?
    public var updatedAt: Date

    public init(phoneNumberID: String, userID: String, status: String = "no_permission", expiresAt: Date? = nil,
                permissionJSON: String? = nil, checkedAt: Date? = nil, cacheUntil: Date? = nil,
                consecutiveUnanswered: Int = 0, lastRequestAt: Date? = nil, updatedAt: Date) {
        self.phoneNumberID = phoneNumberID
        self.userID = userID
        self.status = status
        self.expiresAt = expiresAt
        self.permissionJSON = permissionJSON
        self.checkedAt = checkedAt
        self.cacheUntil = cacheUntil
        self.consecutiveUnanswered = consecutiveUnanswered
        self.lastRequestAt = lastRequestAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case phoneNumberID = "phone_number_id"
        case userID = "user_id"
        case status
        case expiresAt = "expires_at"
        case permissionJSON = "permission_json"
        case checkedAt = "checked_at"
        case cacheUntil = "cache_until"
        case consecutiveUnanswered = "consecutive_unanswered"
        case lastRequestAt = "last_request_at"
        case updatedAt = "updated_at"
    }
}

extension PermissionRecord {
    /// Meta's latest `call_permissions` answer; the unanswered count and the last request are kept.
    public mutating func applyCheck(status: String, expiresAt: Date?, permissionJSON: String?, checkedAt: Date,
                                    cacheUntil: Date?) {
        self.status = status
        self.expiresAt = expiresAt
        self.permissionJSON = permissionJSON
        self.checkedAt = checkedAt
        self.cacheUntil = cacheUntil
    }

    /// The user's reply to a permission request: granted (until `expiresAt`, or permanent) or rejected. The
    /// next check asks Meta again; a grant starts a fresh unanswered count.
    public mutating func applyReply(granted: Bool, permanent: Bool, expiresAt: Date?) {
        status = granted ? (permanent ? "permanent" : "temporary") : "no_permission"
        self.expiresAt = granted ? expiresAt : nil
        cacheUntil = nil
        if granted { consecutiveUnanswered = 0 }
    }
}

/// What placing calls needs from the store: the request beside its call row, WhatsApp's id for it,
/// and the permission per user and business number. Both stores have it (SQLite migration v6,
/// PostgreSQL pg3).
public protocol OutboundStore: Sendable {
    func insertOutboundCall(_ request: OutboundCallRecord, row: CallRecord) async throws -> Bool
    func outboundCall(id: String) async throws -> OutboundCallRecord?
    func setWhatsAppCallID(_ waCallID: String, forCall id: String) async throws
    func callID(forWhatsAppCallID waCallID: String) async throws -> String?
    func permission(phoneNumberID: String, user: String) async throws -> PermissionRecord?
    func savePermission(phoneNumberID: String, user: String, status: String, expiresAt: Date?,
                        permissionJSON: String?, checkedAt: Date, cacheUntil: Date?) async throws
    @discardableResult
    func recordOutboundAttempt(phoneNumberID: String, user: String, answered: Bool, at date: Date) async throws -> Int
    func recordPermissionRequest(phoneNumberID: String, user: String, at date: Date) async throws
    func applyPermissionReply(phoneNumberID: String, user: String, granted: Bool, permanent: Bool,
                              expiresAt: Date?, at date: Date) async throws
}

extension Store: OutboundStore {
    /// Records a call we place: its `calls` row (direction BUSINESS_INITIATED) and its request, in one
    /// transaction. False when the id exists.
    public func insertOutboundCall(_ request: OutboundCallRecord, row: CallRecord) async throws -> Bool {
        try await write { db in
            try row.insert(db, onConflict: .ignore)
            guard db.changesCount > 0 else { return false }
            try request.insert(db)
            return true
        }
    }

    public func outboundCall(id: String) async throws -> OutboundCallRecord? {
        try await writer.read { db in try OutboundCallRecord.fetchOne(db, key: id) }
    }

    /// WhatsApp's id for a call we placed, once `connect` was taken.
    public func setWhatsAppCallID(_ waCallID: String, forCall id: String) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE outbound_calls SET wa_call_id = ? WHERE id = ?", arguments: [waCallID, id])
        }
    }

    /// Our id of the call WhatsApp knows as `waCallID` (webhooks name calls we placed by WhatsApp's id).
    public func callID(forWhatsAppCallID waCallID: String) async throws -> String? {
        try await writer.read { db in
            try String.fetchOne(db, sql: "SELECT id FROM outbound_calls WHERE wa_call_id = ?", arguments: [waCallID])
        }
    }

    public func permission(phoneNumberID: String, user: String) async throws -> PermissionRecord? {
        try await writer.read { db in
            try PermissionRecord.fetchOne(db, key: ["phone_number_id": phoneNumberID, "user_id": user])
        }
    }

    /// Stores Meta's latest answer for the user (the unanswered count and last request are kept).
    public func savePermission(phoneNumberID: String, user: String, status: String, expiresAt: Date?,
                               permissionJSON: String?, checkedAt: Date, cacheUntil: Date?) async throws {
        try await changePermission(phoneNumberID: phoneNumberID, user: user, at: checkedAt) { p in
            p.applyCheck(status: status, expiresAt: expiresAt, permissionJSON: permissionJSON, checkedAt: checkedAt,
                         cacheUntil: cacheUntil)
        }
    }

    /// Counts a call attempt: an answered call resets the unanswered count, an unanswered one adds one.
    /// Returns the count now.
    @discardableResult
    public func recordOutboundAttempt(phoneNumberID: String, user: String, answered: Bool, at date: Date = Date())
        async throws -> Int {
        try await changePermission(phoneNumberID: phoneNumberID, user: user, at: date) { p in
            p.consecutiveUnanswered = answered ? 0 : p.consecutiveUnanswered + 1
        }.consecutiveUnanswered
    }

    public func recordPermissionRequest(phoneNumberID: String, user: String, at date: Date = Date()) async throws {
        try await changePermission(phoneNumberID: phoneNumberID, user: user, at: date) { p in
            p.lastRequestAt = date
            p.cacheUntil = nil  // the next check asks Meta again
        }
    }

    /// The user's reply to a permission request: granted (until `expiresAt`, or permanent) or rejected.
    /// A grant starts a fresh unanswered count.
    public func applyPermissionReply(phoneNumberID: String, user: String, granted: Bool, permanent: Bool,
                                     expiresAt: Date?, at date: Date = Date()) async throws {
        try await changePermission(phoneNumberID: phoneNumberID, user: user, at: date) { p in
            p.applyReply(granted: granted, permanent: permanent, expiresAt: expiresAt)
        }
    }

    @discardableResult
    private func changePermission(phoneNumberID: String, user: String, at date: Date,
                                  _ change: @Sendable @escaping (inout PermissionRecord) -> Void) async throws -> PermissionRecord {
        try await write { db in
            var p = try PermissionRecord.fetchOne(db, key: ["phone_number_id": phoneNumberID, "user_id": user])
                ?? PermissionRecord(phoneNumberID: phoneNumberID, userID: user, updatedAt: date)
            change(&p)
            p.updatedAt = date
            try p.save(db)
            return p
        }
    }
}
