import Audio
import Flow
import Foundation
import Store
import WhatsApp
import Wire

extension CallRunner {
    /// Turns every action the engine has queued into effects, with the steps it entered (its path is
    /// the ground truth: it includes a final hangup step the engine has already left) and, when they
    /// changed, the whole set of variables.
    func drain(now: Instant) {
        recordSteps()
        while let action = engine.pollAction() {
            // The step is recorded before its actions: a hangup ends the call right after it.
            recordSteps()
            perform(action, now: now)
        }
        recordSteps()
        let variables = redaction.variables(engine)
        if variables != lastVariables {
            lastVariables = variables
            effects.append(.variables(variables))
        }
    }

    /// A `say:` render is back: it plays now, or (stopped meanwhile) plays nothing so its end is still reported.
    func rendered(tag: Int, frames: [[UInt8]]?, now: Instant) {
        guard pendingRenders.remove(tag) != nil else { return }
        let stopped = stoppedRenders.remove(tag) != nil
        if frames == nil { effects.append(.event(.error, "say: rendering failed")) }
        effects.append(.play(frames: stopped ? [] : frames ?? [], tag: tag))
        _ = now
    }

    func recordSteps() {
        while recordedSteps < engine.path.count {
            effects.append(.event(.step, engine.path[recordedSteps].step))
            recordedSteps += 1
        }
        // A step's exit is known once the engine leaves it; steps are left in order.
        while recordedExits < engine.path.count, let exit = engine.path[recordedExits].exit {
            let step = engine.path[recordedExits].step
            effects.append(.event(.exit, "\(step): \(redaction.exit(exit, atStep: step, engine: engine))"))
            recordedExits += 1
        }
    }

    func perform(_ action: FlowAction, now: Instant) {
        switch action {
        case let .say(text, voice, language, bargeIn):
            let tag = nextTag
            nextTag += 1
            playing[tag] = bargeIn
            callerAudio.setPlaying(true, now: now)
            stoppedRenders.formUnion(pendingRenders)
            pendingRenders.insert(tag)
            effects.append(.render(text: text, voice: voice, language: language, tag: tag))
            effects.append(.event(.prompt, "say: \(redaction.text(text, engine: engine))"))
        case let .play(ids, bargeIn):
            stoppedRenders.formUnion(pendingRenders)
            var frames: [[UInt8]] = []
            for id in ids {
                do {
                    let prompt = try prompts.frames(prompt: id, language: engine.promptLanguage, settings: settings)
                    // One prompt (the usual play) shares the cache's array; appending to an empty one would copy it.
                    if frames.isEmpty { frames = prompt } else { frames += prompt }
                } catch {
                    logger.error("prompt unavailable", metadata: ["prompt": "\(id)", "error": "\(error)"])
                    effects.append(.event(.error, "prompt: \(error)"))
                }
            }
            let tag = nextTag
            nextTag += 1
            playing[tag] = bargeIn
            callerAudio.setPlaying(true, now: now)
            effects.append(.play(frames: frames, tag: tag))
            effects.append(.event(.prompt, ids.joined(separator: ",")))
        case .stopPlayback:
            stoppedRenders.formUnion(pendingRenders)
            effects.append(.stopPlayback)
        case let .listen(_, keywords, _):
            callerAudio.setListening(true)
            effects.append(.callerAudio(callerAudio.wantsAudio))
            startRecognition(keywords)
        case .stopListening:
            stopRecognition()
            callerAudio.setListening(false)
            effects.append(.callerAudio(callerAudio.wantsAudio))
        case let .http(request):
            effects.append(.event(.http, "\(request.method) \(redaction.text(request.url, engine: engine))"))
            effects.append(.http(request))
        case let .scheduleCall(request):
            effects.append(.event(.schedule, "\(request.flow) at \(request.localTime) to \(Redact.phone(request.to))"))
            effects.append(.scheduleCall(request))
        case let .record(path, maxSeconds, silenceSeconds, finishKey):
            do {
                try RecordingDirectory.prepare((path as NSString).deletingLastPathComponent)
                recordingWriter = try WAVWriter(path: path, sampleRate: Int32(clamping: callerAudio.configuration.sampleRate))
                recordingPath = path
                callerAudio.startRecording(maxSeconds: maxSeconds, silenceSeconds: silenceSeconds, finishKey: finishKey,
                                           now: now)
                effects.append(.callerAudio(callerAudio.wantsAudio))
            } catch {
                logger.error("cannot record", metadata: ["path": "\(path)", "error": "\(error)"])
                effects.append(.event(.error, "record: \(error)"))
                engine.handle(.recordingFailed(reason: "cannot open the recording file: \(error)"), now: now)
            }
        case let .hangup(disposition):
            logger.info("flow hangs up", metadata: ["disposition": "\(disposition)"])
            effects.append(.hangup(disposition))
        case let .recordingConsent(granted):
            effects.append(.event(.consent, granted ? "granted" : "declined"))
        case .setVariable:
            // Variables are reported whole after each drain (`.variables`), never one at a time.
            return
        case let .finished(outcome):
            logger.info("flow finished", metadata: ["status": "\(outcome.status.rawValue)", "reason": "\(outcome.reason)"])
            finished = true
            close()
            effects.append(.finished(outcome))
        }
    }
}
