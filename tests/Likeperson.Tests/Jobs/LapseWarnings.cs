using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Likeperson.Jobs;
using Likeperson.Tests.Infrastructure;
using Likeperson.Tests.Notifications;

namespace Likeperson.Tests.Jobs;

/// <summary>
/// What the warning tests share: a server with push configured (so channels are real choices), the jobs run by hand with
/// the job's own now (the clock the rule must use), and the dispatcher's notifications per outbox row.
/// </summary>
public sealed class LapseWarnings(PushServer server)
{
    public World World { get; } = new(server.Worker);
    public Outbox Outbox { get; } = new(server.Worker);

    /// <summary>The given local time of a day in an IANA zone, as an instant.</summary>
    public static DateTimeOffset At(DateOnly day, int hour, int minute, string zone = "Europe/Oslo")
    {
        var local = day.ToDateTime(new TimeOnly(hour, minute));
        return new DateTimeOffset(local, TimeZoneInfo.FindSystemTimeZoneById(zone).GetUtcOffset(local)).ToUniversalTime(); // Npgsql writes UTC only
    }

    /// <summary>The nightly run (02:00:10 local) of a day in Oslo.</summary>
    public static DateTimeOffset Night(DateOnly day) => At(day, 2, 0).AddSeconds(10);

    /// <summary>The standard organisation with every mentor's certification far away, so only what a test sets is due.</summary>
    public async Task<Org> OrgAsync(string timezone = "Europe/Oslo")
    {
        var org = await World.StandardOrgAsync();
        await SqlAsync("""
            UPDATE peer_mentors SET certification_expires_at = '2035-01-01' WHERE organization_id = @Id;
            UPDATE organizations SET timezone = @timezone WHERE id = @Id;
            """, new { org.Id, timezone });
        return org;
    }

    public async Task SqlAsync(string sql, object args)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        await conn.ExecuteAsync(sql, args);
    }

    public Task CertifyAsync(Guid mentor, DateOnly? date) =>
        SqlAsync("UPDATE peer_mentors SET certification_expires_at = @date WHERE id = @mentor", new { mentor, date });

    public async Task<JsonElement> RunAsync(string job, Guid org, DateTimeOffset now)
    {
        var runner = server.Services.GetRequiredService<JobRunner>();
        var run = await runner.RunNowAsync(runner.Find(job)!, org, null, asOf: now);
        Assert.True(run.Status == JobStatus.Succeeded, run.Error);
        return run.Stats;
    }

    public async Task<List<(long Id, JsonElement Payload)>> OutboxAsync(Guid org, string kind)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return (await conn.QueryAsync<(long, string)>("SELECT id, payload::text FROM outbox WHERE organization_id = @org AND kind = @kind ORDER BY id",
                new { org, kind }))
            .Select(r => (r.Item1, JsonDocument.Parse(r.Item2).RootElement.Clone())).ToList();
    }

    /// <summary>The notifications the dispatcher wrote for an outbox row (it writes them all with the processed mark).</summary>
    public async Task<List<NotificationRow>> ToldAsync(long outboxId)
    {
        await Eventually.TrueAsync(() => Outbox.ProcessedAsync(outboxId), $"outbox row {outboxId} to be dispatched");
        return await Outbox.NotificationsOfAsync(outboxId);
    }

    /// <summary>Sets one preference through the endpoint (200: neither warning type is critical).</summary>
    public async Task PreferAsync(Guid person, string type, bool enabled = true, string channels = "both", string mode = "immediate") =>
        await (await server.As(person).PutAsJsonAsync("/api/v1/me/notification-preferences",
            new { preferences = new[] { new { type, enabled, channels, mode } } }, TestServer.Json)).ReadAsync<JsonElement>();

    public static (Guid?, string) Row(NotificationRow n) => (n.RecipientId, n.Channel);

    public static IEnumerable<(Guid?, string)> Sorted(params (Guid, string)[] rows) => rows.Select(r => ((Guid?)r.Item1, r.Item2)).Order();
}
