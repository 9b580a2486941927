import Foundation
import Logging
import Media
import MediaTransport
import WhatsApp
import Wire

/// The actions only a call we place has: the permission, our offer, `connect`, WhatsApp's answer.
extension CallActor {
    func performOutbound(_ action: CallMachine.Action, now: Instant) async {
        guard let outbound else { return }
        let service = outbound.service, number = outbound.phoneNumberID, user = outbound.request.to
        switch action {
        case .checkPermission:
            let decision = await service.check(phoneNumberID: number, user: user)
            machine.handle(.permission(decision), now: context.clock.now())
        case .requestPermission:
            do {
                try await service.requestPermission(phoneNumberID: number, user: user)
                machine.handle(.permissionRequested, now: context.clock.now())
            } catch {
                machine.handle(.permissionRequestFailed(OutboundFailure(error)), now: context.clock.now())
            }
        case .offerMedia:
            guard let offering = context.media as? any CallMediaOffering else {
                return machine.handle(.mediaOfferFailed("this server's media cannot place calls"), now: now)
            }
            do {
                pending = try await offering.offer(callID: callID, logger: logger)
                context.ports.taken()
                machine.handle(.mediaOffered, now: context.clock.now())
            } catch {
                if case MediaTransportError.noFreePort = error { context.metrics.callRefused(reason: "media_ports") }
                machine.handle(.mediaOfferFailed("\(error)"), now: context.clock.now())
            }
        case let .applyAnswer(sdp):
            guard let pending else { return machine.handle(.answerRefused("no offer is pending"), now: now) }
            do {
                let answered = try await pending.apply(answer: sdp, logger: logger)
                self.pending = nil
                channel = answered
                let inputs = self.inputs
                own(Task {
                    for await event in answered.events { inputs.yield(.media(event)) }
                })
                machine.handle(.answerApplied, now: context.clock.now())
            } catch {
                logger.warning("whatsapp's answer refused", metadata: ["error": "\(error)"])
                machine.handle(.answerRefused("\(error)"), now: context.clock.now())
            }
        case let .recordAttempt(answered):
            await service.recordAttempt(phoneNumberID: number, user: user, answered: answered)
        default:
            return
        }
    }

    /// `connect` with our offer; WhatsApp's call id comes back as `dialed`, a refusal as `dialFailed`.
    func connect(deadline: ContinuousClock.Instant?) {
        guard let outbound, let offer = pending?.offerSDP else {
            inputs.yield(.machine(.dialFailed(.graph(code: nil, "no offer to send"))))
            return
        }
        let graph = context.graph, inputs = self.inputs, id = callID, log = logger
        own(Task {
            do {
                let wacid = try await graph.connect(to: outbound.request.to, sdp: offer,
                                                    bizOpaqueCallbackData: outbound.request.bizOpaqueCallbackData,
                                                    phoneNumberID: outbound.phoneNumberID, deadline: deadline)
                log.info("call placed", metadata: ["wa_call_id": "\(wacid)"])
                // `dialed` first: an answer held for this id is handed over right after it.
                inputs.yield(.machine(.dialed(whatsAppCallID: wacid)))
                await outbound.service.dialed(callID: id, waCallID: wacid)
            } catch {
                inputs.yield(.machine(.dialFailed(OutboundFailure(error))))
            }
        })
    }
}
