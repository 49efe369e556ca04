import Foundation
import Testing

/// The package root and the built `mbrl-run` (`swift build -c release` makes it).
private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let executable: URL? = {
    let candidate = packageRoot.appendingPathComponent(".build/release/mbrl-run")
    return FileManager.default.isExecutableFile(atPath: candidate.path) ? candidate : nil
}()

/// Why the Slurm test cannot run here, or nil when `sbatch` and `squeue` answer.
private let slurmProblem: String? = {
    let advice = "start the one-machine test cluster with 'scripts/slurm_test_cluster.sh start' (root; installs Debian's slurm-wlm and munge)"
    for name in ["sbatch", "squeue", "scontrol"] {
        let found = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
        if !found { return "Slurm test skipped: \(name) is not on PATH; \(advice)" }
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["squeue", "-h"]
    let pipe = Pipe()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = pipe
    do { try process.run() } catch { return "Slurm test skipped: squeue cannot be started (\(error)); \(advice)" }
    let message = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    if process.terminationStatus != 0 {
        return "Slurm test skipped: squeue fails (\(message.trimmingCharacters(in: .whitespacesAndNewlines))); \(advice)"
    }
    return nil
}()

/// `mbrl-run sweep`, `sweep status` and `report` as a user runs them: the local executor
/// (finished runs skipped, unfinished ones resumed, a failing run not stopping the others), the
/// bad-input cases (a grid key that is no recipe key, a sweep directory of another base recipe,
/// a missing or refusing `sbatch`), and a sweep on a real Slurm cluster with one task killed and
/// requeued, whose report must equal the same sweep's run here.
@Suite(.serialized, .enabled(if: executable != nil, "mbrl-run is not built: run 'swift build -c release' first to enable the sweep command tests"))
struct SweepCommandTests {
    struct Outcome { var status: Int32; var output: String; var errors: String }

    func mbrlRun(_ arguments: [String], path: String? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        if let path {
            var environment = ProcessInfo.processInfo.environment
            environment["PATH"] = path
            process.environment = environment
        }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let errorHandle = errors.fileHandleForReading
        nonisolated(unsafe) var errorData = Data()
        let reader = Thread { errorData = errorHandle.readDataToEndOfFile() }
        reader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        return Outcome(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                       errors: String(decoding: errorData, as: UTF8.self))
    }

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mbrl-sweep-cmd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Tabular Dyna-Q on the maze: runs in a fraction of a second.
    static func mazeSweep(planningSteps: Int = 5) -> String {
        """
        {"name": "maze-sweep",
         "recipe": {"name": "maze", "environment": "DynaMaze-v0",
                    "policyOptimizer": {"type": "dyna-q", "planningSteps": \(planningSteps)},
                    "loop": {"explorationEpisodes": 0, "episodes": 4, "maxEpisodeSteps": 3000}},
         "seeds": [0, 1], "grid": {"policyOptimizer.epsilon": [0.1, 0.2]}}
        """
    }

    func write(_ text: String, to directory: URL, name: String = "sweep.json") throws -> URL {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func file(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

    /// The Slurm jobs a sweep directory's manifest records.
    func slurmJobs(_ directory: URL) -> [String]? {
        let data = Data(file(directory.appendingPathComponent("manifest.json")).utf8)
        return ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any])?["slurmJobs"] as? [String]
    }

    // MARK: - Local executor

    @Test func aLocalSweepSkipsFinishedRunsResumesUnfinishedOnesAndKeepsGoingPastAFailure() throws {
        let base = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: base) }
        let sweep = try write(Self.mazeSweep(), to: base)
        let directory = base.appendingPathComponent("out")
        let first = try mbrlRun(["sweep", sweep.path, "--out", directory.path, "--jobs", "2"])
        #expect(first.status == 0, "\(first.output)\(first.errors)")
        #expect(first.output.contains("2 points x 2 seeds = 4 runs") && first.output.contains("[4/4 ended] done"), "\(first.output)")
        let runs = ["epsilon=0.1/seed0", "epsilon=0.1/seed1", "epsilon=0.2/seed0", "epsilon=0.2/seed1"]
            .map { directory.appendingPathComponent("runs/\($0)") }
        for run in runs { #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("summary.json").path)) }

        let again = try mbrlRun(["sweep", sweep.path, "--out", directory.path])
        #expect(again.status == 0 && again.output.contains("4 done; 0 to run") && again.output.contains("nothing to run"), "\(again.output)")

        // Run 1 loses its summary (as if killed after its last checkpoint): it is resumed.
        // Run 2's checkpoint is damaged: its resume fails, and the other runs are unaffected.
        let untouched = file(runs[3].appendingPathComponent("summary.json"))
        try FileManager.default.removeItem(at: runs[1].appendingPathComponent("summary.json"))
        try FileManager.default.removeItem(at: runs[2].appendingPathComponent("summary.json"))
        try Data("not a checkpoint".utf8).write(to: runs[2].appendingPathComponent("checkpoint.mbrl"))
        let third = try mbrlRun(["sweep", sweep.path, "--out", directory.path, "--jobs", "2"])
        #expect(third.status == 1, "a failed run makes the sweep's exit status 1: \(third.output)")
        #expect(third.output.contains("2 done, 2 stopped; 2 to run (2 resumed from checkpoints)"), "\(third.output)")
        #expect(third.output.contains("resume epsilon=0.1, seed 1") && third.output.contains("FAILED epsilon=0.2, seed 0"), "\(third.output)")
        #expect(third.errors.contains("1 of 2 runs failed"), "\(third.errors)")
        #expect(FileManager.default.fileExists(atPath: runs[1].appendingPathComponent("summary.json").path))
        #expect(file(runs[3].appendingPathComponent("summary.json")) == untouched)

        let status = try mbrlRun(["sweep", "status", directory.path])
        #expect(status.status == 0)
        #expect(status.output.contains("3 done, 1 failed"), "\(status.output)")
        let failedLine = status.output.split(separator: "\n").first { $0.hasPrefix("2 ") }.map(String.init) ?? ""
        #expect(failedLine.contains("failed") && failedLine.contains("exit status") && failedLine.contains("mbrl-run:"), "\(failedLine)")

        // `sweep task DIR INDEX` (what a Slurm array task runs) does the same for one run.
        let finishedTask = try mbrlRun(["sweep", "task", directory.path, "0"])
        #expect(finishedTask.status == 0 && finishedTask.output.contains("has finished already"), "\(finishedTask.output)")
        try FileManager.default.removeItem(at: runs[0].appendingPathComponent("summary.json"))
        let resumedTask = try mbrlRun(["sweep", "task", directory.path, "0"])
        #expect(resumedTask.status == 0 && resumedTask.output.contains("resuming from its checkpoint"), "\(resumedTask.output)")
        #expect(FileManager.default.fileExists(atPath: runs[0].appendingPathComponent("summary.json").path))
        let failedTask = try mbrlRun(["sweep", "task", directory.path, "2"])
        #expect(failedTask.status != 0 && failedTask.errors.contains("run 2 (epsilon=0.2, seed 0) failed, exit status"), "\(failedTask.errors)")

        let report = try mbrlRun(["report", directory.path, "--threshold", "1"])
        #expect(report.status == 0, "\(report.errors)")
        let csv = file(directory.appendingPathComponent("report.csv")).split(separator: "\n")
        #expect(csv.count == 3 && csv[1].hasPrefix("0,epsilon=0.1,0.1,2,2,") && csv[2].hasPrefix("1,epsilon=0.2,0.2,2,1,"), "\(csv)")
        #expect(file(directory.appendingPathComponent("report.md")).contains("Not finished (left out above): `runs/epsilon=0.2/seed0`"))
        #expect(file(directory.appendingPathComponent("report.svg")).contains("epsilon=0.1 (mean of 2 runs"))
    }

    // MARK: - Bad input

    @Test func aGridKeyThatIsNotARecipeKeyFailsBeforeAnythingRunsOrIsSubmitted() throws {
        let base = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: base) }
        let sweep = try write(Self.mazeSweep().replacingOccurrences(of: "policyOptimizer.epsilon", with: "policyOptimizer.epsilom"), to: base)
        let fakeSbatch = try fakeSbatch(in: base, refusing: false)
        for executor in ["local", "slurm"] {
            let directory = base.appendingPathComponent("out-\(executor)")
            let outcome = try mbrlRun(["sweep", sweep.path, "--out", directory.path, "--executor", executor],
                                      path: "\(fakeSbatch.folder.path):/usr/bin:/bin")
            #expect(outcome.status == 2, "\(outcome.output)\(outcome.errors)")
            #expect(outcome.errors.contains("recipe error at policyOptimizer") && outcome.errors.contains("did you mean epsilon?"), "\(outcome.errors)")
            #expect(outcome.errors.contains("policyOptimizer.epsilom=0.1"), "names the sweep's setting: \(outcome.errors)")
            #expect(!FileManager.default.fileExists(atPath: directory.path), "nothing is written")
        }
        #expect(!FileManager.default.fileExists(atPath: fakeSbatch.calls.path), "sbatch was called: \(file(fakeSbatch.calls))")
    }

    @Test func aSweepDirectoryWithRunsOfAnotherBaseRecipeIsRefusedUnlessOverwrite() throws {
        let base = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: base) }
        let directory = base.appendingPathComponent("out")
        let first = try mbrlRun(["sweep", try write(Self.mazeSweep(), to: base).path, "--out", directory.path])
        #expect(first.status == 0, "\(first.errors)")
        let manifest = file(directory.appendingPathComponent("manifest.json"))
        let summary = file(directory.appendingPathComponent("runs/epsilon=0.1/seed0/summary.json"))

        let other = try write(Self.mazeSweep(planningSteps: 50), to: base, name: "other.json")
        let refused = try mbrlRun(["sweep", other.path, "--out", directory.path])
        #expect(refused.status == 2)
        #expect(refused.errors.contains("already holds runs of a different base recipe") && refused.errors.contains("--overwrite"), "\(refused.errors)")
        #expect(refused.errors.contains("policyOptimizer.planningSteps: 5 there, 50"), "\(refused.errors)")
        #expect(file(directory.appendingPathComponent("manifest.json")) == manifest, "the manifest is left as it was")

        let replaced = try mbrlRun(["sweep", other.path, "--out", directory.path, "--overwrite"])
        #expect(replaced.status == 0, "\(replaced.errors)")
        #expect(replaced.output.contains("4 not started; 4 to run"), "\(replaced.output)")
        #expect(file(directory.appendingPathComponent("runs/epsilon=0.1/seed0/summary.json")) != summary)
        #expect(file(directory.appendingPathComponent("runs/epsilon=0.1/seed0/recipe.json")).contains("\"planningSteps\" : 50"))
    }

    /// A stand-in `sbatch` that records its calls and accepts (job 4242) or refuses the job.
    func fakeSbatch(in directory: URL, refusing: Bool) throws -> (folder: URL, calls: URL) {
        let folder = directory.appendingPathComponent("fake-bin")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let calls = directory.appendingPathComponent("sbatch-calls.txt")
        let body = refusing
            ? "echo \"sbatch: error: Batch job submission failed: Invalid account or account/partition combination specified\" >&2\nexit 1"
            : "echo 4242"
        let script = folder.appendingPathComponent("sbatch")
        try "#!/bin/sh\necho \"$@\" >> '\(calls.path)'\n\(body)\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return (folder, calls)
    }

    @Test func aMissingOrRefusingSbatchPrintsItsMessageAndSubmitsNothing() throws {
        let base = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: base) }
        let sweep = try write(Self.mazeSweep(), to: base)
        let directory = base.appendingPathComponent("out")

        let missing = try mbrlRun(["sweep", sweep.path, "--out", directory.path, "--executor", "slurm"], path: base.appendingPathComponent("empty").path)
        #expect(missing.status == 1)
        #expect(missing.errors.contains("sbatch is not on PATH, so nothing was submitted"), "\(missing.errors)")

        let refusing = try fakeSbatch(in: base, refusing: true)
        let refused = try mbrlRun(["sweep", sweep.path, "--out", directory.path, "--executor", "slurm", "--partition", "nowhere"],
                                  path: "\(refusing.folder.path):/usr/bin:/bin")
        #expect(refused.status == 1)
        #expect(refused.errors.contains("sbatch refused the job array (exit status 1): sbatch: error: Batch job submission failed: Invalid account"),
                "\(refused.errors)")
        #expect(refused.errors.contains("nothing was submitted"))
        #expect(file(refusing.calls).split(separator: "\n").count == 1, "sbatch is called once: \(file(refusing.calls))")
        #expect(slurmJobs(directory) == [], "no job recorded")
        let script = file(directory.appendingPathComponent("slurm/sweep.sbatch"))
        #expect(script.contains("#SBATCH --partition=nowhere") && script.contains("#SBATCH --array=0-3"))
        // Nothing ran.
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("runs").path))

        let accepting = try fakeSbatch(in: base.appendingPathComponent("accepting"), refusing: false)
        let submitted = try mbrlRun(["sweep", sweep.path, "--out", directory.path, "--executor", "slurm"],
                                    path: "\(accepting.folder.path):/usr/bin:/bin")
        #expect(submitted.status == 0, "\(submitted.errors)")
        #expect(submitted.output.contains("submitted Slurm job array 4242 (4 runs, array 0-3)"), "\(submitted.output)")
        #expect(slurmJobs(directory) == ["4242"])
    }

    // MARK: - Slurm

    /// A seconds-long Pendulum recipe: a small model and random-shooting MPC, 8 short episodes.
    static let pendulumSweep = """
        {"name": "slurm-sweep",
         "recipe": {"name": "tiny-pendulum", "environment": "Pendulum-v1",
                    "model": {"type": "deterministic-mlp", "hiddenSizes": [16, 16], "training": {"epochs": 5}},
                    "planner": {"type": "random-shooting", "horizon": 5, "sequenceCount": 500},
                    "planning": {"particleCount": 1},
                    "loop": {"explorationEpisodes": 0, "explorationSteps": 50, "episodes": 8, "maxEpisodeSteps": 100, "trainEvery": 100}},
         "seeds": [0, 1],
         "grid": {"planner.horizon": [5, 10], "planner.sequenceCount": [500, 1000]},
         "slurm": {"time": "00:10:00", "cpusPerTask": 1, "memory": "500M"}}
        """

    func slurm(_ arguments: [String]) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        guard (try? process.run()) != nil else { return "cannot start \(arguments[0])" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test(.enabled(if: slurmProblem == nil, Comment(rawValue: slurmProblem ?? "")))
    func aSlurmSweepWithATaskKilledAndRequeuedReportsWhatTheLocalSweepReports() throws {
        let base = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: base) }
        let sweep = try write(Self.pendulumSweep, to: base)
        let slurmDirectory = base.appendingPathComponent("slurm-sweep")
        let submitted = try mbrlRun(["sweep", sweep.path, "--out", slurmDirectory.path, "--executor", "slurm"])
        #expect(submitted.status == 0, "\(submitted.output)\(submitted.errors)")
        let job = submitted.output.components(separatedBy: "submitted Slurm job array ").dropFirst().first?
            .prefix { $0.isNumber }.description ?? ""
        try #require(!job.isEmpty, "no job id in: \(submitted.output)")
        defer { _ = slurm(["scancel", job]) }
        let script = file(slurmDirectory.appendingPathComponent("slurm/sweep.sbatch"))
        #expect(script.contains("#SBATCH --array=0-7") && script.contains("#SBATCH --requeue") && script.contains("#SBATCH --time=00:10:00"))

        // Kill run 6 (horizon 10, 1000 sequences, seed 0) mid-run: requeue its task once it has
        // checkpointed a few of its 8 training episodes, and let it start again at once.
        let target = slurmDirectory.appendingPathComponent("runs/horizon=10_sequenceCount=1000/seed0")
        let deadline = Date().addingTimeInterval(300)
        var requeuedAfter = 0
        var requeuedAt = Date()
        while Date() < deadline {
            let episodes = file(target.appendingPathComponent("events.jsonl")).split(separator: "\n").count
            if episodes >= 3 && FileManager.default.fileExists(atPath: target.appendingPathComponent("checkpoint.mbrl").path) {
                requeuedAfter = episodes
                requeuedAt = Date()
                let answer = slurm(["scontrol", "requeue", "\(job)_6"])
                #expect(answer.isEmpty, "scontrol requeue: \(answer)")
                break
            }
            #expect(!FileManager.default.fileExists(atPath: target.appendingPathComponent("summary.json").path),
                    "run 6 finished before it could be killed")
            Thread.sleep(forTimeInterval: 0.02)
        }
        let statusNow = (try? mbrlRun(["sweep", "status", slurmDirectory.path]).output) ?? ""
        try #require(requeuedAfter > 0, "run 6 never reached 3 episodes: \(statusNow)")
        #expect(requeuedAfter < 9, "killed after \(requeuedAfter) episode lines")

        // Wait for every run; a requeued task waits for its begin time, so move that to now, but
        // not in the first seconds: slurmd revokes the killed run's credential with a time stamp
        // in whole seconds, and a restart allocated within that second is refused ("Killing
        // non-startable batch job: Job credential revoked"), which ends the task for good.
        var status = ""
        while Date() < deadline {
            if Date().timeIntervalSince(requeuedAt) > 3 {
                _ = slurm(["scontrol", "update", "jobid=\(job)_6", "StartTime=now"])
            }
            status = try mbrlRun(["sweep", "status", slurmDirectory.path]).output
            if status.contains("\n8 done\n") { break }
            Thread.sleep(forTimeInterval: 1)
        }
        #expect(status.contains("\n8 done\n"), "\(status)\n\(slurm(["squeue", "-r"]))")
        let log = file(target.appendingPathComponent("sweep.log"))
        #expect(log.contains(" start: ") && log.contains(" resume: "), "run 6 was started, then resumed:\n\(log)")
        let attempt = file(target.appendingPathComponent("sweep-attempt.json"))
        #expect(attempt.contains("\"resumed\" : true") && attempt.contains("\"slurmTask\" : \"\(job)_6\""), "\(attempt)")
        let slurmOutput = file(slurmDirectory.appendingPathComponent("slurm/\(job)_6.out"))
        #expect(slurmOutput.contains("resuming from its checkpoint"), "\(slurmOutput)")

        // The same sweep here; both reports must agree.
        let localDirectory = base.appendingPathComponent("local-sweep")
        let local = try mbrlRun(["sweep", sweep.path, "--out", localDirectory.path, "--jobs", "2"])
        #expect(local.status == 0, "\(local.output)\(local.errors)")
        for directory in [slurmDirectory, localDirectory] {
            let report = try mbrlRun(["report", directory.path, "--threshold", "-600"])
            #expect(report.status == 0, "\(report.errors)")
        }
        let slurmReport = file(slurmDirectory.appendingPathComponent("report.csv"))
        let localReport = file(localDirectory.appendingPathComponent("report.csv"))
        #expect(slurmReport.split(separator: "\n").count == 5)
        #expect(slurmReport == localReport, "Slurm:\n\(slurmReport)\nlocal:\n\(localReport)")
        let figure = file(slurmDirectory.appendingPathComponent("report.svg"))
        #expect(figure.contains("horizon=10, sequenceCount=1000 (mean of 2 runs"))
    }
}
