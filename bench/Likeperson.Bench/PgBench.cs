using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Likeperson.Bench;

/// <summary>
/// Runs PostgreSQL's own pgbench with a custom script against a bench database (the database's ceiling for the same
/// SQL, without the server in between), reading per-transaction latencies from its log.
/// </summary>
public static class PgBench
{
    /// <summary>
    /// One run; a run that completed no transaction at all (a short quick-mode run on a machine so loaded that connecting its
    /// clients took the whole time) is repeated once with three times the duration, so that a figure is never a false 0.
    /// </summary>
    public static async Task<LoadRun> RunAsync(string connectionString, string script, int clients, TimeSpan duration,
        IReadOnlyDictionary<string, string> variables, TextWriter log, CancellationToken ct, CpuMeter? meter = null)
    {
        var run = await RunOnceAsync(connectionString, script, clients, duration, variables, log, ct, meter);
        return run.Operations > 0 ? run : await RunOnceAsync(connectionString, script, clients, duration * 3, variables, log, ct, meter);
    }

    private static async Task<LoadRun> RunOnceAsync(string connectionString, string script, int clients, TimeSpan duration,
        IReadOnlyDictionary<string, string> variables, TextWriter log, CancellationToken ct, CpuMeter? meter)
    {
        var exe = Machine.PgBench() ?? throw new InvalidOperationException(
            "pgbench was not found (it ships with the PostgreSQL server binaries, e.g. /usr/lib/postgresql/15/bin/pgbench).");
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        var dir = Directory.CreateTempSubdirectory("lp-pgbench-");
        try
        {
            var scriptFile = Path.Combine(dir.FullName, "script.sql");
            await File.WriteAllTextAsync(scriptFile, script, ct);
            var args = new List<string>
            {
                "-h", cs.Host!, "-U", cs.Username!, "-d", cs.Database!, "-n", "-M", "prepared",
                "-c", clients.ToString(), "-j", Math.Min(clients, Environment.ProcessorCount).ToString(),
                "-T", Math.Max(1, (int)Math.Round(duration.TotalSeconds)).ToString(), "-f", scriptFile,
                "-l", "--log-prefix", Path.Combine(dir.FullName, "tx"),
            };
            foreach (var (k, v) in variables) args.AddRange(["-D", $"{k}={v}"]);
            var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var process = Process.Start(psi)!;
            meter?.Restart();
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            try { await process.WaitForExitAsync(ct); }
            catch (OperationCanceledException) { process.Kill(); throw; }
            var output = await stdout + await stderr;
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"pgbench exited with {process.ExitCode}:\n{output}");

            // Log lines: client_id transaction_no latency_us script_no epoch_s epoch_us
            var latency = new Latency();
            int ops = 0;
            long first = long.MaxValue, last = long.MinValue;
            foreach (var file in dir.GetFiles("tx*"))
                foreach (var line in File.ReadLines(file.FullName))
                {
                    var f = line.Split(' ');
                    if (f.Length < 6) continue;
                    var us = long.Parse(f[2], CultureInfo.InvariantCulture);
                    var end = long.Parse(f[4], CultureInfo.InvariantCulture) * 1_000_000 + long.Parse(f[5], CultureInfo.InvariantCulture);
                    latency.Record(us / 1000.0);
                    first = Math.Min(first, end - us);
                    last = Math.Max(last, end);
                    ops++;
                }
            var failed = output.Split('\n').FirstOrDefault(l => l.StartsWith("number of failed transactions"));
            var errors = failed is null ? 0 : int.Parse(failed.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            // pgbench's own rate (excluding connection set-up) where it prints one, else the span of the log.
            var tpsLine = output.Split('\n').FirstOrDefault(l => l.StartsWith("tps = "));
            var tps = tpsLine is null ? 0 : double.Parse(tpsLine["tps = ".Length..].Split(' ')[0], CultureInfo.InvariantCulture);
            var elapsed = ops == 0 ? duration : tps > 0 ? TimeSpan.FromSeconds(ops / tps) : TimeSpan.FromMicroseconds(last - first);
            return new LoadRun(clients, ops, errors, elapsed, latency) { Cpu = meter?.PerOperation(ops) ?? (double.NaN, double.NaN) };
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
