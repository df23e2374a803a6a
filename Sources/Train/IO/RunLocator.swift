import Core
import Foundation
import Store

/// Finds a model by the name users give: a run of the workspace (`runs/NAME`) or a folder.
public enum RunLocator {
    public static func modelFolder(_ spec: String, workspace: WorkspaceLayout) -> URL {
        let run = workspace.runs.appendingPathComponent(spec)
        if FileManager.default.fileExists(atPath: run.appendingPathComponent("model.safetensors").path) { return run }
        return URL(fileURLWithPath: spec)
    }

    /// What identifies a model's weights: the files loading reads — sha256 of model.safetensors,
    /// or for a sharded folder sha256 over each shard's name and sha256.
    public static func identity(of folder: URL) throws -> String {
        let files = try Checkpoint.weightFiles(in: folder)
        do {
            if files.count == 1 { return try SHA256.hex(ofFileAt: files[0].path) }
            return SHA256.hex(of: try files.map { "\($0.lastPathComponent):\(try SHA256.hex(ofFileAt: $0.path))\n" }.joined())
        } catch {
            throw TrainError.io("\(error)")
        }
    }
}
