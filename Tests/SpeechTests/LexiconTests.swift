import Foundation
import Speech
import Testing

@Suite("Lexicon and configuration errors")
struct LexiconTests {
    let text = """
        sales S EY L Z
        help HH EH L P
        either IY DH ER
        either(2) AY DH ER
        hours AW ER Z # trailing comment

        """

    @Test func parsesWordsAlternatesAndComments() throws {
        let lexicon = try Lexicon(text: text, path: "t.dict")
        #expect(lexicon.count == 4)
        #expect(lexicon.contains("Sales"))
        #expect(!lexicon.contains("banana"))
        #expect(lexicon.pronunciations(of: "either") == [["IY", "DH", "ER"], ["AY", "DH", "ER"]])
        #expect(lexicon.pronunciations(of: "hours") == [["AW", "ER", "Z"]])
        #expect(lexicon.phones == ["AW", "AY", "DH", "EH", "ER", "EY", "HH", "IY", "L", "P", "S", "Z"])
    }

    @Test func missingWordsInOrderWithoutDuplicates() throws {
        let lexicon = try Lexicon(text: text, path: "t.dict")
        #expect(lexicon.missingWords(in: ["sales", "opening hours", "zorp", "opening"]) == ["opening", "zorp"])
        #expect(lexicon.missingWords(in: ["sales", "help"]).isEmpty)
    }

    @Test func malformedLineNamesFileAndLine() {
        #expect(throws: SpeechError.malformedDictionary(path: "bad.dict", line: 2, text: "orphan")) {
            try Lexicon(text: "sales S EY L Z\norphan\n", path: "bad.dict")
        }
        #expect(SpeechError.malformedDictionary(path: "bad.dict", line: 2, text: "orphan").description
            == "dictionary bad.dict line 2: \"orphan\" has no pronunciation; expected \"word PHONE PHONE ...\"")
    }

    @Test func missingDictionaryFile() {
        #expect(throws: SpeechError.missingDictionary(path: "/nonexistent/x.dict")) {
            try Lexicon.load(path: "/nonexistent/x.dict")
        }
    }

    @Test func recognizerRejectsUnknownWordsAndBadKeywords() throws {
        let lexicon = try Lexicon(text: text, path: "t.dict")
        let model = RecognizerConfiguration.defaultModelPath
        let e1 = #expect(throws: SpeechError.self) {
            try KeywordRecognizer(configuration: RecognizerConfiguration(words: ["sales", "weather"], modelPath: model), lexicon: lexicon)
        }
        #expect(e1 == .wordsNotInDictionary(words: ["weather"], dictionary: "t.dict"))
        #expect(e1?.description == "keywords not in dictionary t.dict: weather")
        #expect(throws: SpeechError.invalidKeyword(keyword: "Sales")) {
            try KeywordRecognizer(configuration: RecognizerConfiguration(words: ["Sales"]), lexicon: lexicon)
        }
        #expect(throws: SpeechError.noKeywords) {
            try KeywordRecognizer(configuration: RecognizerConfiguration(words: []), lexicon: lexicon)
        }
        #expect(throws: SpeechError.invalidThreshold(keyword: "sales", threshold: 2, expected: "0...1")) {
            try KeywordRecognizer(configuration: RecognizerConfiguration(keywords: [Keyword("sales", threshold: 2)]), lexicon: lexicon)
        }
    }

    @Test func missingModelNamesTheFile() throws {
        let lexicon = try Lexicon(text: text, path: "t.dict")
        let error = SpeechError.missingModel(path: "/nonexistent/en-us", file: "mdef")
        #expect(throws: error) {
            try KeywordRecognizer(configuration: RecognizerConfiguration(words: ["sales"], modelPath: "/nonexistent/en-us"), lexicon: lexicon)
        }
        #expect(error.description == "acoustic model /nonexistent/en-us: missing mdef; expected a PocketSphinx model directory (e.g. /usr/share/pocketsphinx/model/en-us/en-us from pocketsphinx-en-us)")
    }

    @Test
    func debianDictionaryHasTheExampleKeywords() throws {
        let lexicon = try Lexicon.load()
        #expect(lexicon.count > 100_000)
        #expect(lexicon.missingWords(in: exampleMenus.flatMap { $0.options.joined() }).isEmpty)
        #expect(lexicon.missingWords(in: ["sales", "whatsappish"]) == ["whatsappish"])
    }
}
