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

    /// What identifies a model's weights: sha256 of its model.safetensors.
    public static func identity(of folder: URL) throws -> String {
        let url = folder.appendingPathComponent("model.safetensors")
        do { return try SHA256.hex(ofFileAt: url.path) } catch { throw TrainError.io("\(error)") }
    }
}
