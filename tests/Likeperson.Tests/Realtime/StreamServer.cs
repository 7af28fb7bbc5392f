using System.Text.RegularExpressions;
using Dapper;
using Likeperson.Realtime;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Realtime;

/// <summary>The real server with fast stream intervals, so heartbeats and catch-up reads happen within a test.</summary>
public class StreamServer : TestServer
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Events:HeartbeatInterval"] = "00:00:00.300",
        ["Events:CatchUpInterval"] = "00:00:01",
        ["Events:AccessCheckInterval"] = "00:00:01",
        ["Notifications:PollInterval"] = "00:00:01",
    };

    private World? _world;
    public World World => _world ??= new World(Worker);

    public StreamMetrics Metrics => Services.GetRequiredService<StreamMetrics>();
}

public static partial class StreamHelpers
{
    /// <summary>Waits (bounded) until a condition on the server holds: for state the server reaches asynchronously.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + SseClient.Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"Never happened: {what}.");
            await Task.Delay(50);
        }
    }

    public static Task EventuallyAsync(Func<bool> condition, string what) => EventuallyAsync(() => Task.FromResult(condition()), what);

    /// <summary>A gauge or counter from `GET /metrics` (Prometheus text) of an instance, summed over its label sets.</summary>
    public static async Task<long> MetricAsync(HttpClient client, string name)
    {
        var text = await client.GetStringAsync("/metrics");
        var series = Regex.Matches(text, $"^{Regex.Escape(name)}(?:\\{{[^}}]*\\}})? (\\d+)$", RegexOptions.Multiline);
        Assert.True(series.Count > 0, $"{name} not in /metrics:\n{text}");
        return series.Sum(m => long.Parse(m.Groups[1].Value));
    }

    /// <summary>Appends an event straight through emit_change (as the worker): for tests of the stream itself.</summary>
    public static async Task<long> EmitAsync(this NpgsqlDataSource worker, Guid org, string type, Guid[] chapters, Guid? mentor,
        Guid? recipient = null, string payload = "{}")
    {
        await using var conn = await worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>("SELECT emit_change(@org, @type, @chapters, @mentor, @recipient, @payload::jsonb)",
            new { org, type, chapters, mentor, recipient, payload });
    }

    public static async Task<long> HeadAsync(this NpgsqlDataSource worker, Guid org)
    {
        await using var conn = await worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>("SELECT coalesce((SELECT last_position FROM stream_positions WHERE organization_id = @org), 0)", new { org });
    }

    public static string Url(string? query = null) => query is null ? "/api/v1/events" : $"/api/v1/events?{query}";
}
