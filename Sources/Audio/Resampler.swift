import CSoxr

/// Sample-rate conversion through libsoxr, mono.
///
/// An instance converts a stream (its filter state carries over between `process` calls), which
/// is how the caller's 48 kHz audio becomes the 16 kHz stream for speech recognition. The static
/// `convert` resamples a whole buffer at once (prompt files). Instances are not thread-safe;
/// one belongs to one call.
public final class Resampler {
    public let inputRate: Int
    public let outputRate: Int
    private let state: soxr_t

    /// libsoxr's quality recipes.
    public enum Quality: Sendable {
        /// 16-bit precision, larger roll-off.
        case low
        /// 16-bit precision, medium roll-off.
        case medium
        /// 20-bit precision (the default).
        case high
        /// 28-bit precision.
        case veryHigh

        var recipe: UInt {
            switch self {
            case .low: return UInt(SOXR_LQ)
            case .medium: return UInt(SOXR_MQ)
            case .high: return UInt(SOXR_HQ)
            case .veryHigh: return UInt(SOXR_VHQ)
            }
        }
    }

    /// A streaming mono Int16 resampler (linear phase). libsoxr filters in blocks, so at high
    /// quality the output lags the input by up to about 30 ms at 48 → 16 kHz; it costs about
    /// 3 µs per 20 ms frame.
    public init(from inputRate: Int, to outputRate: Int, quality: Quality = .high) throws {
        self.inputRate = inputRate
        self.outputRate = outputRate
        var io = soxr_io_spec(SOXR_INT16_I, SOXR_INT16_I)
        io.flags |= UInt(SOXR_NO_DITHER)
        var q = soxr_quality_spec(quality.recipe, 0)
        var rt = soxr_runtime_spec(1)
        var err: soxr_error_t?
        guard inputRate > 0, outputRate > 0,
              let s = soxr_create(Double(inputRate), Double(outputRate), 1, &err, &io, &q, &rt), err == nil else {
            let message = err.map { String(cString: $0) } ?? "rates must be positive"
            throw AudioError.resampler(operation: "create", inputRate: inputRate, outputRate: outputRate, message: message)
        }
        state = s
    }

    deinit { soxr_delete(state) }

    /// Feeds samples and returns whatever output is ready (about `count × outputRate / inputRate`;
    /// the first calls return a little less while the filter fills).
    public func process(_ input: [Int16]) throws -> [Int16] {
        guard !input.isEmpty else { return [] }
        let capacity = input.count * outputRate / inputRate + 64
        var out = [Int16](repeating: 0, count: capacity)
        var consumed = 0
        var produced = 0
        while consumed < input.count {
            var idone = 0
            var odone = 0
            let err: soxr_error_t? = input.withUnsafeBufferPointer { inBuf in
                out.withUnsafeMutableBufferPointer { outBuf in
                    soxr_process(state, inBuf.baseAddress.map { $0 + consumed }, input.count - consumed, &idone,
                                 outBuf.baseAddress.map { $0 + produced }, capacity - produced, &odone)
                }
            }
            if let err {
                throw AudioError.resampler(operation: "process", inputRate: inputRate, outputRate: outputRate,
                                           message: String(cString: err))
            }
            consumed += idone
            produced += odone
            if idone == 0 && odone == 0 { break }
            if produced == capacity { out += [Int16](repeating: 0, count: 256) }
        }
        return Array(out.prefix(produced))
    }

    /// Forgets the stream (after a jitter-buffer reset) and starts fresh.
    public func reset() {
        _ = soxr_clear(state)
    }

    /// Resamples a whole mono float buffer (very high quality, flushed to the end).
    static func convert(_ input: [Float], from inputRate: Int, to outputRate: Int) throws -> [Float] {
        guard inputRate != outputRate, !input.isEmpty else { return input }
        let capacity = Int((Double(input.count) * Double(outputRate) / Double(inputRate)).rounded(.up)) + 16
        var out = [Float](repeating: 0, count: capacity)
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var q = soxr_quality_spec(UInt(SOXR_VHQ), 0)
        var rt = soxr_runtime_spec(1)
        var idone = 0
        var odone = 0
        let err: soxr_error_t? = input.withUnsafeBufferPointer { inBuf in
            out.withUnsafeMutableBufferPointer { outBuf in
                soxr_oneshot(Double(inputRate), Double(outputRate), 1, inBuf.baseAddress, input.count, &idone,
                             outBuf.baseAddress, capacity, &odone, &io, &q, &rt)
            }
        }
        if let err {
            throw AudioError.resampler(operation: "convert", inputRate: inputRate, outputRate: outputRate,
                                       message: String(cString: err))
        }
        return Array(out.prefix(odone))
    }
}
