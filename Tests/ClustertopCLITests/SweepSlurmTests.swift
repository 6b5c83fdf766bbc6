import Foundation
import Testing

/// A real sweep as a Slurm job array: a one-node Slurm cluster (munged, slurmctld, slurmd with a
/// generated slurm.conf, every file in a temporary folder) runs `sbatch --array=0-2 --wait`, each
/// task the built clustertop taking its shard from Slurm's variables; the merged shards must be
/// the bytes of a single run. The daemons are stopped at the end, also on failure.
///
/// Needs Debian's slurm-wlm and munge and root (to be SlurmUser): without them it is skipped,
/// except under CI (the CI variable set), where .ci/run installs them and it must run.
@Suite struct SweepSlurmTests {
    static let tools = ["/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch"]

    /// The clustertop binary next to the test bundle (CLUSTERTOP_BIN overrides).
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["CLUSTERTOP_BIN"] { return path }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "clustertop"
        ).path
    }

    /// Brings the cluster up, runs the array, merges, runs the sweep once more alone, and stops
    /// everything (the trap), whatever happened. Arguments: folder, clustertop, two free ports.
    static let script = #"""
        set -u
        dir=$1 bin=$2 ctld_port=$3 slurmd_port=$4
        cd "$dir"
        host=$(hostname -s)
        export SLURM_CONF="$dir/slurm.conf"
        stop() {
            for f in slurmd slurmctld munged; do
                [ -f "$dir/$f.pid" ] && kill -TERM "$(cat "$dir/$f.pid")" 2>/dev/null
            done
            sleep 1
            for f in slurmd slurmctld munged; do
                [ -f "$dir/$f.pid" ] && kill -KILL "$(cat "$dir/$f.pid")" 2>/dev/null
            done
            true
        }
        trap stop EXIT
        mkdir -p state spool
        dd if=/dev/urandom of=munge.key bs=1024 count=1 2>/dev/null && chmod 600 munge.key
        munged -f --socket="$dir/munge.sock" --key-file="$dir/munge.key" --log-file="$dir/munged.log" \
            --pid-file="$dir/munged.pid" --seed-file="$dir/munged.seed" || { echo "munged did not start"; exit 1; }
        cat > slurm.conf <<EOF
        ClusterName=clustertop
        SlurmctldHost=$host
        SlurmctldPort=$ctld_port
        SlurmdPort=$slurmd_port
        AuthType=auth/munge
        AuthInfo=socket=$dir/munge.sock
        CredType=cred/munge
        SlurmUser=root
        SlurmdUser=root
        StateSaveLocation=$dir/state
        SlurmdSpoolDir=$dir/spool
        SlurmctldPidFile=$dir/slurmctld.pid
        SlurmdPidFile=$dir/slurmd.pid
        SlurmctldLogFile=$dir/slurmctld.log
        SlurmdLogFile=$dir/slurmd.log
        ProctrackType=proctrack/linuxproc
        TaskPlugin=task/none
        JobAcctGatherType=jobacct_gather/none
        AccountingStorageType=accounting_storage/none
        SchedulerType=sched/builtin
        SelectType=select/cons_tres
        SelectTypeParameters=CR_CPU
        MpiDefault=none
        ReturnToService=2
        NodeName=$host CPUs=$(nproc) State=UNKNOWN
        PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
        EOF
        slurmctld -i || { echo "slurmctld did not start"; cat slurmctld.log; exit 1; }
        slurmd || { echo "slurmd did not start"; cat slurmd.log; exit 1; }
        for _ in $(seq 60); do
            [ "$(sinfo -h -o %T 2>/dev/null)" = idle ] && break
            sleep 0.5
        done
        cat > task.sh <<EOF
        #!/bin/bash
        exec "$bin" sweep "$dir/sweep.yaml" --quiet
        EOF
        timeout 90 sbatch --array=0-2 --wait -o "$dir/task-%a.out" task.sh || {
            echo "the array failed"; cat task-*.out slurmctld.log slurmd.log; exit 1; }
        "$bin" sweep merge --output merged sweep.shard-*-of-3.jsonl >/dev/null || exit 1
        "$bin" sweep "$dir/sweep.yaml" --output single --quiet >/dev/null || exit 1
        """#

    @Test func aSlurmJobArrayGivesTheSingleRunsFiles() throws {
        let missing = Self.tools.filter { !FileManager.default.isExecutableFile(atPath: $0) }
        guard missing.isEmpty, getuid() == 0 else {
            if ProcessInfo.processInfo.environment["CI"] != nil {
                Issue.record("CI needs slurm-wlm and munge, as root (missing: \(missing.joined(separator: ", ")))")
            }
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clustertop-slurm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try SweepTests.sweepFile().withContents { sweep, base in
            try base.write(to: dir.appendingPathComponent("tiny.yaml"), atomically: true, encoding: .utf8)
            try sweep.write(to: dir.appendingPathComponent("sweep.yaml"), atomically: true, encoding: .utf8)
        }
        let ports = Int.random(in: 20000...59000)
        let log = dir.appendingPathComponent("test.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", Self.script, "slurm-test", dir.path, Self.binary, "\(ports)", "\(ports + 1)"]
        // To a file, not a pipe: the daemons keep what they inherit open after the script ends.
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "\(output)")
        guard process.terminationStatus == 0 else { return }
        for ext in ["jsonl", "csv"] {
            let merged = try Data(contentsOf: dir.appendingPathComponent("merged.\(ext)"))
            let single = try Data(contentsOf: dir.appendingPathComponent("single.\(ext)"))
            #expect(merged == single, "merged.\(ext) differs from single.\(ext)")
        }
        for index in 0..<3 {
            let shard = try String(
                contentsOf: dir.appendingPathComponent("sweep.shard-\(index)-of-3.jsonl"), encoding: .utf8)
            #expect(shard.split(separator: "\n").count == 2)
        }
    }
}

extension String {
    /// The sweep file at this path and the base scenario beside it.
    fileprivate func withContents(_ body: (String, String) throws -> Void) throws {
        let folder = (self as NSString).deletingLastPathComponent
        try body(
            try String(contentsOfFile: self, encoding: .utf8),
            try String(contentsOfFile: "\(folder)/tiny.yaml", encoding: .utf8))
    }
}
