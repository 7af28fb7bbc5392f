using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Likeperson.Database;

namespace Likeperson.Bench.Scenarios.Stream;

/// <summary>
/// The real server started as a process of its own (the Likeperson executable the build copies next to the bench), so
/// its resident memory can be read per connection and its thread pool and garbage collector are not shared with the
/// thousand SSE clients of the load generator. It runs with production defaults (server GC) on the bench's database.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri baseAddress) { _process = process; BaseAddress = baseAddress; }

    public Uri BaseAddress { get; }

    public static async Task<ServerProcess> StartAsync(DatabaseConnections db, IDictionary<string, string> settings, TextWriter log,
        CancellationToken ct)
    {
        var dir = AppContext.BaseDirectory;
        var apphost = Path.Combine(dir, OperatingSystem.IsWindows() ? "Likeperson.exe" : "Likeperson");
        var start = File.Exists(apphost) ? new ProcessStartInfo(apphost) : new ProcessStartInfo("dotnet") { ArgumentList = { "exec", Path.Combine(dir, "Likeperson.dll") } };
        var port = FreePort();
        foreach (var arg in new[] { "serve", "--urls", $"http://127.0.0.1:{port}", "--environment", "Benchmark" })
            start.ArgumentList.Add(arg);
        start.WorkingDirectory = dir;
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__Likeperson"] = db.Application,
            ["ConnectionStrings__LikepersonWorker"] = db.Worker,
            ["ConnectionStrings__LikepersonOwner"] = db.Owner ?? "",
            ["Auth__JwtSecret"] = BenchContext.JwtSecret,
            ["Jobs__Schedule__Enabled"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Operations__Metrics"] = "on", // Benchmark is no Development: /metrics would want a token
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Error",
        };
        foreach (var (k, v) in settings) env[k.Replace(":", "__")] = v;
        foreach (var (k, v) in env) start.Environment[k] = v;

        var process = Process.Start(start) ?? throw new InvalidOperationException("The server process did not start.");
        process.OutputDataReceived += (_, e) => { if (!string.IsNullOrWhiteSpace(e.Data)) log.WriteLine($"  [server] {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (!string.IsNullOrWhiteSpace(e.Data)) log.WriteLine($"  [server] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"));
        using var probe = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"The server process exited with {process.ExitCode} while starting.");
            try
            {
                if ((await probe.GetAsync("/healthz", ct)).IsSuccessStatusCode) return server;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                await server.DisposeAsync();
                throw new TimeoutException("The server process did not answer /healthz within 60 s.");
            }
            await Task.Delay(100, ct);
        }
    }

    /// <summary>Resident memory of the server process (VmRSS), in bytes.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        throw new InvalidOperationException("VmRSS missing from /proc status.");
    }

    /// <summary>CPU time the server process has used so far (user and system).</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>The server's `GET /metrics` (on: see the settings above), as name → value.</summary>
    public async Task<Dictionary<string, double>> MetricsAsync(HttpClient client, CancellationToken ct)
    {
        var text = await client.GetStringAsync(new Uri(BaseAddress, "/metrics"), ct);
        return MetricLine().Matches(text).GroupBy(m => m.Groups[1].Value) // summed over a metric's label sets
            .ToDictionary(g => g.Key, g => g.Sum(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)));
    }

    // OpenTelemetry's Prometheus exporter: `name{otel_scope_name="…",…} value`.
    [GeneratedRegex(@"^([a-z_]+)(?:\{[^}]*\})? ([0-9.eE+-]+)$", RegexOptions.Multiline)]
    private static partial Regex MetricLine();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _process.WaitForExitAsync(wait.Token); } catch (OperationCanceledException) { }
        }
        _process.Dispose();
    }
}
