using System.Diagnostics;

namespace Likeperson.Bench;

/// <summary>
/// CPU time used during a run by this process (the server and the bench's HTTP clients) and by the PostgreSQL cluster
/// (its postmaster, live backends and reaped ones), to tell where a transition's cost goes on a shared machine.
/// </summary>
public sealed class CpuMeter
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux
    private readonly string? _dataDirectory;
    private TimeSpan _process;
    private double _postgres;

    private CpuMeter(string? dataDirectory) => _dataDirectory = dataDirectory;

    public static CpuMeter Start(string? dataDirectory)
    {
        var meter = new CpuMeter(dataDirectory);
        meter.Restart();
        return meter;
    }

    public void Restart()
    {
        _process = Process.GetCurrentProcess().TotalProcessorTime;
        _postgres = PostgresSeconds(_dataDirectory);
    }

    /// <summary>Milliseconds of CPU per operation since the start: (this process, PostgreSQL; NaN when unknown).</summary>
    public (double ProcessMs, double PostgresMs) PerOperation(int operations)
    {
        var process = (Process.GetCurrentProcess().TotalProcessorTime - _process).TotalMilliseconds;
        var postgres = _dataDirectory is null ? double.NaN : (PostgresSeconds(_dataDirectory) - _postgres) * 1000;
        return (process / Math.Max(1, operations), postgres / Math.Max(1, operations));
    }

    private static double PostgresSeconds(string? dataDirectory)
    {
        if (dataDirectory is null) return 0;
        try
        {
            var postmaster = int.Parse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).First());
            double ticks = 0;
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
                string stat;
                try { stat = File.ReadAllText(Path.Combine(dir, "stat")); } catch (IOException) { continue; }
                var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields from 3 (state) on
                var ppid = int.Parse(f[1]);
                if (pid == postmaster) ticks += long.Parse(f[11]) + long.Parse(f[12]) + long.Parse(f[13]) + long.Parse(f[14]);
                else if (ppid == postmaster) ticks += long.Parse(f[11]) + long.Parse(f[12]);
            }
            return ticks / TicksPerSecond;
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException) { return 0; }
    }
}
