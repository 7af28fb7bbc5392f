using System.Text.Json;
using Dapper;
using Likeperson.Jobs;
using Likeperson.Tests.Assignments;
using Likeperson.Tests.Infrastructure;
using Likeperson.Tests.Notifications;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Likeperson.Tests.Jobs;

/// <summary>
/// The server with a stopped clock the test moves (every instance started from it shares the
/// clock), its warnings and errors captured. The scheduler's loop is off (TestServer's default):
/// tests tick it themselves, or start an instance with it on.
/// </summary>
public sealed class JobServer : TestServer
{
    /// <summary>2026-12-10 02:00:10 in Oslo (UTC+1 in winter): ten seconds after that night's slot.</summary>
    public static readonly DateTimeOffset NightlySlot = new(2026, 12, 10, 1, 0, 0, TimeSpan.Zero);

    public StoppedClock Clock { get; } = new(NightlySlot.AddSeconds(10));
    public LogCollector Logs { get; } = new();

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton<ILoggerProvider>(Logs);
    }

    public JobRunner Runner => Services.GetRequiredService<JobRunner>();
    public JobScheduler Scheduler => Services.GetRequiredService<JobScheduler>();

    /// <summary>A manual run now, as the API and the verb do it.</summary>
    public Task<JobRunResponse> RunAsync(string job, Guid org) => Runner.RunNowAsync(Runner.Find(job)!, org, null);

    /// <summary>The standard organisation, existing since long before any slot the tests look at.</summary>
    public async Task<Org> OrgAsync(World world)
    {
        var org = await world.StandardOrgAsync();
        await using var conn = await Worker.OpenConnectionAsync();
        await conn.ExecuteAsync("UPDATE organizations SET created_at = '2026-01-01T00:00:00Z' WHERE id = @Id", org);
        return org;
    }

    public async Task<List<JobRunResponse>> RunsOfAsync(Guid? org)
    {
        await using var conn = await Worker.OpenConnectionAsync();
        return (await conn.QueryAsync<JobRunRow>(
                $"SELECT {JobRunRow.Columns} FROM job_runs WHERE organization_id IS NOT DISTINCT FROM @org ORDER BY started_at, id", new { org }))
            .Select(r => r.ToResponse()).ToList();
    }

    /// <summary>`/readyz` as a system admin sees it (with `problems`; anonymous callers get the status only).</summary>
    public async Task<JsonElement> ReadyAsync() => await (await AsSystemAdmin().GetAsync("/readyz")).ReadAsync<JsonElement>();

    public async Task<List<string>> ReadyProblemsAsync() =>
        (await ReadyAsync()).GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToList();

    public async Task OwnerAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(Database.Owner);
        await conn.ExecuteAsync(sql);
    }

    /// <summary>An assignment whose follow-up clock started at the given time (creation, no contact yet).</summary>
    public async Task<Guid> AssignmentAsync(Org org, Guid mentor, Guid contact, DateTimeOffset createdAt, string status = "open")
    {
        await using var conn = await Worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<Guid>("""
            INSERT INTO assignments (peer_mentor_id, contact_id, organization_id, chapter_id, status, mentor_assignment_sequence, created_at, closed_at)
            SELECT @mentor, c.id, c.organization_id, c.chapter_id, @status,
                   (SELECT count(*) + 1 FROM assignments WHERE peer_mentor_id = @mentor), @createdAt,
                   CASE WHEN @status = 'completed' THEN @createdAt END
            FROM contacts c WHERE c.id = @contact RETURNING id
            """, new { mentor, contact, createdAt, status });
    }

    public async Task<List<(string Kind, JsonElement Payload)>> OutboxAsync(Guid org, string? kindPrefix = "follow_up")
    {
        await using var conn = await Worker.OpenConnectionAsync();
        return (await conn.QueryAsync<(string, string)>(
                "SELECT kind, payload::text FROM outbox WHERE organization_id = @org AND kind LIKE @prefix || '%' ORDER BY id",
                new { org, prefix = kindPrefix ?? "" }))
            .Select(r => (r.Item1, JsonDocument.Parse(r.Item2).RootElement.Clone())).ToList();
    }

    public async Task<List<NotificationRow>> NotificationsAsync(Guid org, string type)
    {
        await using var conn = await Worker.OpenConnectionAsync();
        return (await conn.QueryAsync<NotificationRow>(
            $"SELECT {NotificationRow.Columns} FROM notifications WHERE organization_id = @org AND type = @type ORDER BY created_at, id",
            new { org, type })).ToList();
    }
}
