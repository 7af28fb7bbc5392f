using System.Diagnostics;
using System.Text;
using Likeperson.Database;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Foundation;

/// <summary>The real program (`dotnet Likeperson.dll ...`) as a child process, with its output captured line by line.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new(), _stderr = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process) => _process = process;

    public int Id => _process.Id;
    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>Starts the program; <paramref name="wrapper"/> (e.g. unshare) runs in front of dotnet when given.</summary>
    public static ServerProcess Start(IEnumerable<string> args, IDictionary<string, string>? environment = null, string[]? wrapper = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Likeperson.dll");
        var command = (wrapper ?? []).Concat(["dotnet", dll]).Concat(args).ToArray();
        var psi = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var a in command[1..]) psi.ArgumentList.Add(a);
        psi.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        psi.Environment.Remove("DOTNET_ENVIRONMENT");
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var server = new ServerProcess(new Process { StartInfo = psi });
        server._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (server._stdout) server._stdout.AppendLine(e.Data);
            const string marker = "Now listening on: ";
            if (e.Data.IndexOf(marker, StringComparison.Ordinal) is >= 0 and var i) server._listening.TrySetResult(new Uri(e.Data[(i + marker.Length)..].Trim()));
        };
        server._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (server._stderr) server._stderr.AppendLine(e.Data); };
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        return server;
    }

    /// <summary>The connection strings of a test database as command-line settings.</summary>
    public static string[] External(DatabaseConnections db) =>
    [
        $"--ConnectionStrings:Likeperson={db.Application}", $"--ConnectionStrings:LikepersonWorker={db.Worker}",
        $"--ConnectionStrings:LikepersonOwner={db.Owner}",
    ];

    /// <summary>The settings every test start needs besides the database.</summary>
    public static readonly string[] Common =
    [
        "--environment", "Testing", $"--Auth:JwtSecret={TestServer.JwtSecret}", "--Jobs:Schedule:Enabled=false",
    ];

    public async Task<Uri> ListeningAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_listening.Task, exited, Task.Delay(timeout));
        if (first != _listening.Task)
            throw new Xunit.Sdk.XunitException($"The server did not start listening (exited: {_process.HasExited}).\n{Stdout}\n{Stderr}");
        return await _listening.Task;
    }

    /// <summary>Waits for the exit; a process still running after the timeout is killed and the test fails.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"Still running after {timeout.TotalSeconds} s (a hang).\n{Stdout}\n{Stderr}");
        }
        await _process.WaitForExitAsync(); // the output is complete only now
        return _process.ExitCode;
    }

    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString()])!;
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
