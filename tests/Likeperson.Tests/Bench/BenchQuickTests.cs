using Likeperson.Bench;
using Likeperson.Bench.Scenarios;
using Likeperson.Database;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Bench;

/// <summary>
/// Runs every benchmark scenario in quick mode (small data, about a second per measurement) on the tests' cluster, so the
/// bench cannot rot. Asserts only that each scenario produces its figures, never how fast anything is (a count of errors may be 0).
/// </summary>
public class BenchQuickTests
{
    /// <summary>The keys the issues fix for results.json; a scenario not listed here must still return some figures.</summary>
    private static readonly Dictionary<string, string[]> RequiredKeys = new()
    {
        ["roster"] = ["roster_p99_ms"],
        ["transitions"] = ["transitions_api_over_pgbench_16"],
        ["assignments"] = ["assignment_create_per_s", "assignment_list_p99_ms"],
        ["push"] = ["push_commit_to_fcm_p99_ms", "push_per_s"],
        ["jobs"] = ["cert_expiry_100k_s", "reminders_1m_s"],
        ["engagement"] = ["engagement_report_10k_s"],
        ["reads"] = ["roster_api_over_pgbench_16", "assignments_api_over_pgbench_16"],
        ["batch"] = ["batch_500_s", "batch_500_stream_s"],
        ["busyorg"] = ["busy_org_errors", "busy_org_transition_p99_ms", "busy_org_stream_p99_ms"],
        ["stream"] = ["stream_p99_ms_chapters", "stream_p99_ms_admins", "stream_rss_mb_per_1000", "stream_queries_per_event_1000_over_10"],
    };

    public static TheoryData<string> Scenarios() => new(ScenarioRegistry.All.Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task RunAsync_QuickMode_ReturnsFinitePositiveFigures(string name)
    {
        var scenario = ScenarioRegistry.All.Single(s => s.Name == name);
        await using var ctx = new BenchContext(new TestDatabases(), quick: true, TextWriter.Null);

        var result = await scenario.RunAsync(ctx, CancellationToken.None);

        Assert.NotEmpty(result.Figures);
        foreach (var (key, value) in result.Figures)
            Assert.True(double.IsFinite(value) && (value > 0 || (key.EndsWith("_errors", StringComparison.Ordinal) && value == 0)),
                $"{name}: {key} = {value}"); // a count of errors is 0 when all went well
        foreach (var key in RequiredKeys.GetValueOrDefault(name, []))
            Assert.Contains(key, result.Figures.Keys);
        Assert.False(string.IsNullOrWhiteSpace(result.Markdown));
    }

    [Fact]
    public void Registry_Names_AreUniqueAndLowerCase()
    {
        var names = ScenarioRegistry.All.Select(s => s.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, n => Assert.Matches("^[a-z][a-z0-9_-]*$", n));
    }

    private sealed class TestDatabases : IBenchDatabases
    {
        public Task<DatabaseConnections> CreateDatabaseAsync() => TestCluster.CreateDatabaseAsync();
    }
}
