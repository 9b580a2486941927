import Foundation
@testable import Audio
import Testing

/// Recording files: created 0640 in a 0750 folder, short writes reported, old recordings pruned.
@Suite struct RecordingFilesTests {
    func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    @Test func aNewRecordingIsReadableByTheGroupOnly() throws {
        let dir = try TestSupport.temporaryDirectory()
        let path = dir.appendingPathComponent("new.wav").path
        let writer = try WAVWriter(path: path, sampleRate: 16_000)
        try writer.write([Int16](repeating: 1000, count: 320))
        try writer.close()
        #expect(try mode(path) == 0o640)
        #expect(writer.framesWritten == 320)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == 44 + 320 * 2)
    }

    @Test func anExistingWorldWritableFileIsRewrittenWithTheRecordingMode() throws {
        let dir = try TestSupport.temporaryDirectory()
        let path = dir.appendingPathComponent("old.wav").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(repeating: 7, count: 5000),
                                               attributes: [.posixPermissions: 0o666]))
        #expect(try mode(path) == 0o666)
        let writer = try WAVWriter(path: path)
        try writer.close()
        #expect(try mode(path) == 0o640)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == 44)
    }

    @Test func aSymbolicLinkIsNotFollowed() throws {
        let dir = try TestSupport.temporaryDirectory()
        let target = dir.appendingPathComponent("elsewhere.txt").path
        #expect(FileManager.default.createFile(atPath: target, contents: Data("keep".utf8)))
        let link = dir.appendingPathComponent("link.wav").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(throws: AudioFileError.self) { try WAVWriter(path: link) }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep")
    }

    @Test func writingAfterCloseIsAShortWriteWithTheReason() throws {
        let dir = try TestSupport.temporaryDirectory()
        let writer = try WAVWriter(path: dir.appendingPathComponent("closed.wav").path)
        try writer.close()
        try writer.close()
        #expect(throws: AudioFileError.shortWrite(path: writer.path, written: 0, expected: 2,
                                                  reason: "the file is already closed")) {
            try writer.write([1, 2])
        }
        #expect(writer.framesWritten == 0)
    }

    @Test func aPartialFrameIsRefused() throws {
        let dir = try TestSupport.temporaryDirectory()
        let writer = try WAVWriter(path: dir.appendingPathComponent("stereo.wav").path, channels: 2)
        #expect(throws: AudioFileError.shortWrite(path: writer.path, written: 0, expected: 3,
                                                  reason: "3 samples is not a whole number of 2-channel frames")) {
            try writer.write([1, 2, 3])
        }
        try writer.write([1, 2, 3, 4])
        #expect(writer.framesWritten == 2)
    }

    /// /dev/full fails every write with ENOSPC: the disk-full case without filling a disk. libsndfile writes
    /// the WAV header at open, so the failure shows there, with the system's reason.
    @Test func aFullDiskIsReportedWithItsReason() throws {
        let error = #expect(throws: AudioFileError.self) { try WAVWriter(path: "/dev/full") }
        guard case let .cannotOpen(path, reason)? = error else {
            Issue.record("expected cannotOpen, got \(String(describing: error))")
            return
        }
        #expect(path == "/dev/full")
        #expect(reason.contains("No space left on device"))
    }

    @Test func theRecordingsFolderIsCreated0750AndRepaired() throws {
        let base = try TestSupport.temporaryDirectory()
        let folder = base.appendingPathComponent("var/recordings").path
        try RecordingDirectory.prepare(folder)
        #expect(try mode(folder) == 0o750)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder)
        try RecordingDirectory.prepare(folder)
        #expect(try mode(folder) == 0o750)
        let file = base.appendingPathComponent("plain").path
        #expect(FileManager.default.createFile(atPath: file, contents: nil))
        #expect(throws: AudioFileError.cannotCreateDirectory(path: file, reason: "exists and is not a directory")) {
            try RecordingDirectory.prepare(file)
        }
    }

    @Test func pruningDeletesOnlyOldRecordings() throws {
        let folder = try TestSupport.temporaryDirectory().appendingPathComponent("recordings").path
        try RecordingDirectory.prepare(folder)
        let now = Date(timeIntervalSince1970: 1_764_070_000)
        func make(_ name: String, daysOld: Double) throws {
            let path = (folder as NSString).appendingPathComponent(name)
            #expect(FileManager.default.createFile(atPath: path, contents: Data([1])))
            try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(-daysOld * 86_400)],
                                                  ofItemAtPath: path)
        }
        try make("a-old.wav", daysOld: 40)
        try make("b-old.WAV", daysOld: 31)
        try make("c-new.wav", daysOld: 29)
        try make("notes.txt", daysOld: 400)
        try FileManager.default.createDirectory(atPath: (folder as NSString).appendingPathComponent("old.wav"),
                                                withIntermediateDirectories: false)
        let cutoff = now.addingTimeInterval(-30 * 86_400)
        #expect(try RecordingDirectory.prune(folder, before: cutoff, dryRun: true) == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 5)
        #expect(try RecordingDirectory.prune(folder, before: cutoff) == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["c-new.wav", "notes.txt", "old.wav"])
        #expect(try RecordingDirectory.prune(folder + "-missing", before: cutoff) == 0)
    }
}
