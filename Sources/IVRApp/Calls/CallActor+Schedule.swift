import Flow
import Foundation
import Store

extension CallActor {
    /// A `schedule_call` step's request becomes a `scheduled_calls` row (state `pending`; the dialer asks for the
    /// permission and places it). The row's dedupe key is the request's id, so a replayed step records once.
    func schedule(_ request: ScheduledCallRequest) {
        guard let store = context.scheduledCalls else {
            let reason = "this store keeps no scheduled calls"
            logger.warning("schedule_call refused", metadata: ["step": "\(request.step)", "reason": "\(reason)"])
            inputs.yield(.scheduleDone(id: request.id, failure: reason))
            return
        }
        let row = Self.scheduledCallRow(request, callID: callID, phoneNumberID: call.business.phoneNumberID, now: Date())
        let inputs = self.inputs, log = logger
        own(Task {
            do {
                let inserted = try await store.insertScheduledCall(row)
                log.info("call scheduled", metadata: ["flow": "\(row.flow)", "not_before": "\(request.localTime)",
                                                      "dedupe_key": "\(request.id)", "new": "\(inserted)"])
                inputs.yield(.scheduleDone(id: request.id, failure: nil))
            } catch {
                log.error("cannot record a scheduled call", metadata: ["error": "\(error)"])
                inputs.yield(.scheduleDone(id: request.id, failure: "the store failed: \(error)"))
            }
        })
    }

    static func scheduledCallRow(_ request: ScheduledCallRequest, callID: String, phoneNumberID: String,
                                 now: Date) -> ScheduledCallRecord {
        ScheduledCallRecord(phoneNumberID: phoneNumberID, recipient: request.to, flow: request.flow,
                            variablesJSON: request.variables.isEmpty ? nil : CallOutcome.json(request.variables),
                            origin: .step, originCallID: callID, dedupeKey: request.id, notBefore: request.at,
                            state: .pending, createdAt: now)
    }
}
