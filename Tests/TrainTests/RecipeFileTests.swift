import Foundation
import Testing
@testable import Train

/// Reading a recipe file: every value typed by its key, every error naming file, line and key.
@Suite struct RecipeFileTests {
    static func parse(_ text: String) throws(RecipeError) -> RecipeFile { try RecipeFile(text: text, path: "r.yaml") }

    static func error(_ text: String) -> RecipeError? {
        do { _ = try parse(text) } catch { return error }
        return nil
    }

    @Test func readsTRLKeysWithTheirTypesAndLines() throws {
        let file = try Self.parse("""
            # a comment
            learning_rate: 5.0e-7
            beta: 0.01
            num_train_epochs: 1.0
            per_device_train_batch_size: 4
            lambda_schedule: linear_decrease
            rpo_alpha: null
            output_dir: data/zephyr-dpo
            """)
        #expect(file.entries[.learningRate] == RecipeSetting(.double(5e-7), .file(path: "r.yaml", line: 2)))
        #expect(file.entries[.beta]?.value == .double(0.01))
        #expect(file.entries[.numTrainEpochs]?.value == .int(1))  // HF's float epochs, whole
        #expect(file.entries[.perDeviceTrainBatchSize]?.value == .int(4))
        #expect(file.entries[.lambdaSchedule]?.value == .string("linear_decrease"))
        #expect(file.entries[.rpoAlpha]?.value == .null)
        #expect(file.entries[.outputDir] == RecipeSetting(.string("data/zephyr-dpo"), .file(path: "r.yaml", line: 8)))
        #expect(file.entries.count == 7)
        // PyYAML reads 5e-7 as a string; a number here all the same.
        #expect(try Self.parse("learning_rate: 5e-7").entries[.learningRate]?.value == .double(5e-7))
    }

    @Test func anUnknownKeyIsNamedWithItsLineAndTheClosestKey() {
        let error = Self.error("beta: 0.1\nlearnig_rate: 1.0e-6\n")
        #expect(error == .unknownKey(path: "r.yaml", line: 2, key: "learnig_rate", suggestion: .learningRate))
        #expect(error?.description.contains("r.yaml:2: unknown key 'learnig_rate' (did you mean 'learning_rate'?)") == true)
        // Far from every key: no suggestion rather than a silly one.
        #expect(Self.error("gradient_checkpointing_kwargs: x\n") == .unknownKey(path: "r.yaml", line: 1, key: "gradient_checkpointing_kwargs", suggestion: nil))
    }

    @Test func aWrongTypeNamesKeyExpectedTypeFileAndLine() {
        let quoted = Self.error("seed: 1\nbeta: \"0.1\"\n")
        #expect(quoted == .wrongType(origin: .file(path: "r.yaml", line: 2), key: .beta, expected: "a number", found: "the string \"0.1\""))
        #expect(quoted?.description == "r.yaml:2: beta must be a number, found the string \"0.1\"")
        #expect(Self.error("per_device_train_batch_size: 2.5") == .wrongType(origin: .file(path: "r.yaml", line: 1), key: .perDeviceTrainBatchSize,
                                                                          expected: "an integer or null", found: "the number 2.5"))
        #expect(Self.error("resume_from_checkpoint: yes") == .wrongType(origin: .file(path: "r.yaml", line: 1), key: .resumeFromCheckpoint,
                                                                     expected: "true or false", found: "the string \"yes\""))
        #expect(Self.error("beta: null") == .wrongType(origin: .file(path: "r.yaml", line: 1), key: .beta, expected: "a number", found: "null"))
        if case .wrongType(_, let key, _, let found) = Self.error("\nlearning_rate: [1, 2]") { #expect(key == .learningRate && found == "a list") } else {
            Issue.record("a list for learning_rate must be a wrong type")
        }
    }

    @Test func lossTypesPrefDoesNotImplementAreRefused() throws {
        #expect(try Self.parse("loss_type: sigmoid").entries[.lossType]?.value == .string("sigmoid"))
        let error = Self.error("beta: 0.1\nloss_type: ipo")
        guard case .invalid(let origin, let key, let reason) = error else { return #expect(Bool(false), "ipo must be refused, got \(String(describing: error))") }
        #expect(origin == .file(path: "r.yaml", line: 2) && key == .lossType && reason.contains("not implemented"))
    }

    @Test func duplicatesSyntaxAndNonMappingsAreErrors() throws {
        #expect(Self.error("beta: 0.1\nseed: 1\nbeta: 0.2") == .duplicateKey(path: "r.yaml", key: "beta", lines: [1, 3]))
        guard case .syntax(_, let line, _) = Self.error("beta: 0.1\nseed: [1\n") else { return #expect(Bool(false), "unclosed list must be a syntax error") }
        #expect(line >= 2)
        #expect(Self.error("- beta\n- seed\n") == .notAMapping(path: "r.yaml"))
        #expect(try Self.parse("# nothing set\n").entries.isEmpty)
    }
}
