using Dapper;
using Likeperson.Database;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Foundation;

/// <summary>Migration 0012: one rfc3339, one acting_person, one notification_published rule, no dead functions.</summary>
public sealed class OneWayHelpersTests
{
    private static readonly string[] Replaced =
        ["mentor_actor", "assignment_actor", "mentor_rfc3339", "assignment_rfc3339", "notification_create", "notification_audience"];

    private const string Offenders = """
        SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace
          AND (proname = ANY(@replaced) OR prosrc ~ '(mentor|assignment)_(actor|rfc3339)\('
               OR (proname <> 'rfc3339' AND prosrc LIKE '%HH24:MI:SS%'))
        ORDER BY 1
        """;

    [Fact]
    public async Task Migrated_FunctionBodies_FormatTimeAndFindTheActorThroughTheOneHelper()
    {
        var db = await TestCluster.CreateDatabaseAsync();
        await using var conn = new NpgsqlConnection(db.Owner);
        Assert.Empty(await conn.QueryAsync<string>(Offenders, new { replaced = Replaced }));
        Assert.Equal(3, await conn.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM pg_proc WHERE proname IN ('rfc3339', 'acting_person', 'notification_published')"));
    }

    [Fact]
    public async Task Migration0012_Down_RestoresThe0011FunctionsAndUpMergesThemAgain()
    {
        var owner = await TestCluster.CreateEmptyDatabaseAsync();
        var migrator = new Migrator(owner);
        await migrator.MigrateUpAsync();
        await migrator.MigrateDownAsync(11);
        await using var conn = new NpgsqlConnection(owner);
        Assert.Equal(Replaced.Order(), await conn.QueryAsync<string>(
            "SELECT proname FROM pg_proc WHERE proname = ANY(@replaced) ORDER BY 1", new { replaced = Replaced.Order().ToArray() }));
        Assert.Equal(0, await conn.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM pg_proc WHERE proname IN ('rfc3339', 'acting_person', 'notification_published')"));
        var after11 = typeof(Migrator).Assembly.GetManifestResourceNames()
            .Count(n => n.EndsWith(".up.sql") && int.Parse(n.Split('.')[^3][..4]) > 11);
        Assert.Equal(after11, await migrator.MigrateUpAsync()); // 0012 and every later one, each once
        Assert.Empty(await conn.QueryAsync<string>(Offenders, new { replaced = Replaced }));
    }

    [Theory]
    [InlineData("in_app", "sent", true, true)]
    [InlineData("in_app", "undeliverable", true, true)]
    [InlineData("in_app", "held", true, false)]   // waits for the digest, which is published instead
    [InlineData("in_app", "undeliverable", false, false)] // nobody to show it to
    [InlineData("push", "pending", true, false)]
    public async Task NotificationPublished_ByChannelStatusAndRecipient_IsTheStreamRule(string channel, string status, bool recipient, bool published)
    {
        var db = await TestCluster.CreateDatabaseAsync();
        await using var conn = new NpgsqlConnection(db.Owner);
        Assert.Equal(published, await conn.ExecuteScalarAsync<bool>(
            "SELECT notification_published(jsonb_populate_record(NULL::notifications, jsonb_build_object('channel', @channel, 'status', @status, 'recipient_id', @recipient)))",
            new { channel, status, recipient = recipient ? Guid.NewGuid() : (Guid?)null }));
    }

    [Fact]
    public async Task Rfc3339_AnyTimestamp_IsUtcWithMicroseconds()
    {
        var db = await TestCluster.CreateDatabaseAsync();
        await using var conn = new NpgsqlConnection(db.Application);
        Assert.Equal("2026-03-01T11:04:05.123456Z", await conn.ExecuteScalarAsync<string>(
            "SELECT rfc3339('2026-03-01 12:04:05.123456+01'::timestamptz)"));
    }
}
