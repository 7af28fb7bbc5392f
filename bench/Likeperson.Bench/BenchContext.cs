using System.Text;
using Likeperson.Auth;
using Likeperson.Database;
using Microsoft.IdentityModel.Tokens;

namespace Likeperson.Bench;

/// <summary>What every scenario gets: the mode, fresh databases, real servers, tokens and the realistic organisation.</summary>
public sealed class BenchContext(IBenchDatabases databases, bool quick, TextWriter? log = null) : IAsyncDisposable
{
    public const string JwtSecret = "bench-secret-for-likeperson-benchmarks-only-0123456789";

    private readonly AuthSettings _auth = new()
    {
        Issuer = "likeperson",
        Audience = "likeperson",
        SigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(JwtSecret)),
        SystemAdmins = new HashSet<string>(),
    };
    private readonly List<IAsyncDisposable> _owned = [];
    private Task<(DatabaseConnections, LoadedOrg)>? _shared;

    /// <summary>Small data and short runs (seconds): for the smoke test and a first look, never for the published figures.</summary>
    public bool Quick { get; } = quick;

    public TextWriter Log { get; } = log ?? Console.Out;

    /// <summary>The realistic organisation of the issues (10,000 mentors ...), or its small quick-mode version.</summary>
    public OrgSpec DefaultOrg => Quick ? OrgSpec.QuickOrg : OrgSpec.Realistic;

    /// <summary>How long one measured run lasts (per concurrency level, per query kind).</summary>
    public TimeSpan MeasureFor(double fullSeconds) =>
        TimeSpan.FromSeconds(Override ?? (Quick ? Math.Min(1, fullSeconds) : fullSeconds));

    // BENCH_MEASURE_SECONDS: longer runs to attach a profiler (dotnet-trace) to, or shorter ones to try something.
    private static readonly double? Override =
        double.TryParse(Environment.GetEnvironmentVariable("BENCH_MEASURE_SECONDS"), out var s) ? s : null;

    /// <summary>Unmeasured time before each measured run (JIT, pools, plan caches).</summary>
    public TimeSpan Warmup => TimeSpan.FromSeconds(Quick ? 0.3 : 2);

    public Task<DatabaseConnections> CreateDatabaseAsync() => databases.CreateDatabaseAsync();

    /// <summary>Starts measuring CPU time of this process and of the PostgreSQL cluster.</summary>
    public CpuMeter StartCpuMeter() => CpuMeter.Start(databases.DataDirectory);

    /// <summary>A fresh database with the default organisation loaded into it.</summary>
    public async Task<(DatabaseConnections Db, LoadedOrg Org)> CreateLoadedDatabaseAsync(OrgSpec? spec = null)
    {
        var db = await CreateDatabaseAsync();
        var org = await OrgLoader.LoadAsync(db.Owner!, spec ?? DefaultOrg, Log);
        return (db, org);
    }

    /// <summary>
    /// One loaded default organisation shared by the read-mostly scenarios of this run (loading 200,000 assignments takes
    /// a while). Scenarios that change a lot of state should create their own with <see cref="CreateLoadedDatabaseAsync"/>.
    /// </summary>
    public Task<(DatabaseConnections Db, LoadedOrg Org)> SharedOrgAsync() => _shared ??= CreateLoadedDatabaseAsync();

    /// <summary>Starts the real server on the database; it is stopped with the context unless disposed earlier.</summary>
    public async Task<BenchServer> StartServerAsync(DatabaseConnections db, IDictionary<string, string?>? settings = null)
    {
        var server = await BenchServer.StartAsync(this, db, settings);
        _owned.Add(server);
        return server;
    }

    /// <summary>A bearer token for the person, valid for the servers this context starts.</summary>
    public string Token(Guid personId) => _auth.Mint(personId.ToString(), TimeSpan.FromHours(6));

    /// <summary>One line for a scenario's section: when and under what load it ran (the machine is shared).</summary>
    public string RunNote() =>
        $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC{(Quick ? " in quick mode (small data, not representative)" : "")}, " +
        $"load average {Machine.LoadAverage()} at the end (2-core machine shared with other work).";

    /// <summary>Stops the servers started so far (between scenarios: the shared organisation stays).</summary>
    public async Task StopServersAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            try { await owned.DisposeAsync(); }
            catch (Exception e) { Log.WriteLine($"(stopping a server: {e.Message})"); }
        }
        _owned.Clear();
    }

    public async ValueTask DisposeAsync() => await StopServersAsync();
}
