using System.Text.Json;
using Dapper;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Mentors;

/// <summary>
/// The transition functions of migration 0003, called as the application role with a person's
/// identity set (as requests run): what they write, and that the role cannot go around them.
/// </summary>
public sealed class MentorStatusSqlTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly World _world = new(server.Worker);
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private Task<T> As<T>(Guid? person, string sql, object? args = null) =>
        SqlAs.PersonAsync(server.Database, person, conn => conn.QuerySingleAsync<T>(sql, args));

    private Task<(string Status, int Version)> Call(Guid? person, string call, object args) =>
        As<(string, int)>(person, $"SELECT status, version FROM {call}", args);

    private static async Task<PostgresException> Refused(Func<Task> action, string sqlState, string? message = null)
    {
        var e = await Assert.ThrowsAsync<PostgresException>(action);
        Assert.Equal(sqlState, e.SqlState);
        if (message is not null) Assert.Equal(message, e.MessageText);
        return e;
    }

    private Task<(string Status, int Version)> Pause(Guid actor, Guid mentor, string? reason = null, DateOnly? date = null, int? version = null) =>
        Call(actor, "mentor_pause(@mentor, @reason, @date, @version, @now)", new { mentor, reason, date, version, now = Now });

    [Fact]
    public async Task Pause_ByTheMentor_WritesStatusVersionPauseLogOutboxAndEvent()
    {
        var org = await _world.StandardOrgAsync();
        var date = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30);
        var (status, version) = await Pause(org.MentorA, org.MentorA, "  Exams  ", date);
        Assert.Equal(("paused", 2), (status, version));

        var pause = Assert.Single(await server.Worker.PausesAsync(org.MentorA));
        Assert.Equal(("paused", "voluntary", "Exams", date, (Guid?)null), (pause.Status, pause.Kind, pause.PauseReason, pause.ExpectedReturnDate, pause.CoordinatorId));
        Assert.Null(pause.EndedAt);

        var log = Assert.Single(await server.Worker.LogAsync(org.MentorA));
        Assert.Equal(("pause", "active", "paused", 2, "voluntary", "Exams", (Guid?)org.MentorA, (Guid?)pause.Id),
            (log.Transition, log.PreviousStatus, log.NewStatus, log.Version, log.Kind, log.Reason, log.ActorId, log.PauseId));

        var outbox = Assert.Single(await server.Worker.OutboxAsync(org.MentorA));
        Assert.Equal(["actor_id", "expected_return_date", "kind", "mentor_display_name", "mentor_id", "new_status", "occurred_at",
                      "pause_id", "previous_status", "prior_pause_days", "reason", "transition"],
            outbox.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("pause", outbox.GetProperty("transition").GetString());
        Assert.Equal("Mentor A", outbox.GetProperty("mentor_display_name").GetString());
        Assert.Equal(date.ToString("yyyy-MM-dd"), outbox.GetProperty("expected_return_date").GetString());
        Assert.Equal(pause.Id, outbox.GetProperty("pause_id").GetGuid());
        Assert.Equal(org.MentorA, outbox.GetProperty("actor_id").GetGuid());
        Assert.Equal(JsonValueKind.Null, outbox.GetProperty("prior_pause_days").ValueKind);
        Assert.Equal(Now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'"), outbox.GetProperty("occurred_at").GetString());

        var (_, chapters, mentorId, payload) = Assert.Single(await server.Worker.EventsAsync(org.MentorA));
        Assert.Equal([org.ChapterA], chapters);
        Assert.Equal(org.MentorA, mentorId);
        Assert.Equal(["display_name", "mentor_id", "new_status", "occurred_at", "pause_id", "previous_status", "version"],
            payload.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(2, payload.GetProperty("version").GetInt32());
        Assert.Equal("paused", payload.GetProperty("new_status").GetString());
        await server.Worker.AssertConsistentAsync(org.MentorA);
    }

    [Fact]
    public async Task Pause_ByCoordinator_IsCoordinatorKindWithTheirId()
    {
        var org = await _world.StandardOrgAsync();
        await Pause(org.CoordinatorA, org.MentorA, "   ");
        var pause = Assert.Single(await server.Worker.PausesAsync(org.MentorA));
        Assert.Equal(("coordinator", (string?)null, (Guid?)org.CoordinatorA), (pause.Kind, pause.PauseReason, pause.CoordinatorId));
    }

    [Fact]
    public async Task Reactivate_ClosesThePauseWithPriorDays()
    {
        var org = await _world.StandardOrgAsync();
        await SqlAs.PersonAsync(server.Database, org.MentorA, c => c.ExecuteAsync(
            "SELECT mentor_pause(@MentorA, NULL, NULL, NULL, @then)", new { org.MentorA, then = Now.AddDays(-3).AddHours(-1) }));
        Assert.Equal(("active", 3), await Call(org.CoordinatorA, "mentor_reactivate(@MentorA, 2, @now)", new { org.MentorA, now = Now }));
        var pause = Assert.Single(await server.Worker.PausesAsync(org.MentorA));
        Assert.Equal("active", pause.Status);
        Assert.NotNull(pause.ReactivatedAt);
        Assert.Equal(pause.ReactivatedAt, pause.EndedAt);
        var outbox = (await server.Worker.OutboxAsync(org.MentorA))[^1];
        Assert.Equal(3, outbox.GetProperty("prior_pause_days").GetInt32());
        Assert.Equal("voluntary", outbox.GetProperty("kind").GetString());
        Assert.Equal(pause.Id, outbox.GetProperty("pause_id").GetGuid());
        await server.Worker.AssertConsistentAsync(org.MentorA);
    }

    [Fact]
    public async Task AcknowledgementFlow_PendingKeepsThePauseLive_AcknowledgeClosesIt()
    {
        var org = await _world.StandardOrgAsync(requireAck: true);
        await Pause(org.MentorA, org.MentorA);
        Assert.Equal(("pending_reactivation", 3), await Call(org.MentorA, "mentor_reactivate(@MentorA, NULL, @now)", new { org.MentorA, now = Now }));
        Assert.True(Assert.Single(await server.Worker.PausesAsync(org.MentorA)).Live);
        Assert.Equal(("paused", 4), await Call(org.CoordinatorA, "mentor_hold(@MentorA, 'Not yet', NULL, @now)", new { org.MentorA, now = Now }));
        Assert.True(Assert.Single(await server.Worker.PausesAsync(org.MentorA)).Live);
        await Call(org.MentorA, "mentor_reactivate(@MentorA, NULL, @now)", new { org.MentorA, now = Now });
        Assert.Equal(("active", 6), await Call(org.Admin, "mentor_acknowledge(@MentorA, NULL, @now)", new { org.MentorA, now = Now }));
        var pause = Assert.Single(await server.Worker.PausesAsync(org.MentorA));
        Assert.Equal("active", pause.Status);
        Assert.NotNull(pause.ReactivatedAt);
        Assert.Equal(["pause", "reactivate", "hold", "reactivate", "acknowledge"], (await server.Worker.LogAsync(org.MentorA)).Select(l => l.Transition));
        await server.Worker.AssertConsistentAsync(org.MentorA);
    }

    [Fact]
    public async Task Deactivate_ClosesALivePauseWithoutReactivation()
    {
        var org = await _world.StandardOrgAsync();
        await Pause(org.CoordinatorA, org.MentorA);
        Assert.Equal(("inactive", 3), await Call(org.CoordinatorA, "mentor_deactivate(@MentorA, 'Moved away', NULL, @now)", new { org.MentorA, now = Now }));
        var pause = Assert.Single(await server.Worker.PausesAsync(org.MentorA));
        Assert.Equal(("active", (DateTime?)null), (pause.Status, pause.ReactivatedAt));
        Assert.NotNull(pause.EndedAt);
        await Refused(() => Call(org.CoordinatorA, "mentor_deactivate(@MentorA, 'Again', NULL, @now)", new { org.MentorA, now = Now }),
            "LP409", "invalid_transition");
        await server.Worker.AssertConsistentAsync(org.MentorA);
    }

    [Theory]
    [InlineData("mentor_reactivate(@m, NULL, @now)")]
    [InlineData("mentor_acknowledge(@m, NULL, @now)")]
    [InlineData("mentor_hold(@m, NULL, NULL, @now)")]
    public async Task WrongStatus_IsInvalidTransition_AndChangesNothing(string call)
    {
        var org = await _world.StandardOrgAsync();
        await Refused(() => Call(org.Admin, call, new { m = org.MentorA, now = Now }), "LP409", "invalid_transition");
        Assert.Equal(("active", 1), (await server.Worker.StateAsync(org.MentorA)) is var s ? (s.Status, s.Version) : default);
        await server.Worker.AssertConsistentAsync(org.MentorA);
    }

    [Fact]
    public async Task StaleExpectedVersion_IsVersionMismatch()
    {
        var org = await _world.StandardOrgAsync();
        await Refused(() => Pause(org.CoordinatorA, org.MentorA, version: 7), "LP412", "version_mismatch");
        Assert.Equal(("paused", 2), await Pause(org.CoordinatorA, org.MentorA, version: 1));
    }

    [Fact]
    public async Task ReasonOver200AfterTrimming_IsRefused_200IsFine()
    {
        var org = await _world.StandardOrgAsync();
        var e = await Refused(() => Pause(org.CoordinatorA, org.MentorA, new string('x', 201)), "LP422", "validation_failed");
        Assert.Equal("reason", e.Hint);
        await Pause(org.CoordinatorA, org.MentorA, "  " + new string('x', 200) + "\n ");
        Assert.Equal(200, Assert.Single(await server.Worker.PausesAsync(org.MentorA)).PauseReason!.Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" \t ")]
    public async Task Deactivate_WithoutReason_IsRefused(string? reason)
    {
        var org = await _world.StandardOrgAsync();
        var e = await Refused(() => Call(org.Admin, "mentor_deactivate(@m, @reason, NULL, @now)", new { m = org.MentorA, reason, now = Now }),
            "LP422", "validation_failed");
        Assert.Equal("reason", e.Hint);
    }

    [Fact]
    public async Task ExpectedReturnDate_IsJudgedInTheOrganisationsTimeZone()
    {
        // 2026-03-10 11:30 UTC is already 2026-03-11 00:30 in Auckland: the 10th is yesterday there.
        var orgId = await _world.OrganizationAsync(timezone: "Pacific/Auckland");
        var chapter = await _world.ChapterAsync(orgId);
        var mentor = await _world.PersonAsync(orgId, "Kiwi", mentorIn: [chapter]);
        var now = new DateTimeOffset(2026, 3, 10, 11, 30, 0, TimeSpan.Zero);
        var e = await Refused(() => Call(mentor, "mentor_pause(@mentor, NULL, '2026-03-10', NULL, @now)", new { mentor, now }),
            "LP422", "validation_failed");
        Assert.Equal("expected_return_date", e.Hint);
        Assert.Equal(("paused", 2), await Call(mentor, "mentor_pause(@mentor, NULL, '2026-03-11', NULL, @now)", new { mentor, now }));
    }

    [Fact]
    public async Task Reactivate_WithExpiredCertification_IsCertificationExpired()
    {
        var orgId = await _world.OrganizationAsync();
        var chapter = await _world.ChapterAsync(orgId);
        var mentor = await _world.PersonAsync(orgId, "Expired", mentorIn: [chapter], certificationExpiresAt: DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-2));
        await Call(mentor, "mentor_pause(@mentor, NULL, NULL, NULL, @now)", new { mentor, now = Now });
        await Refused(() => Call(mentor, "mentor_reactivate(@mentor, NULL, @now)", new { mentor, now = Now }), "LP422", "certification_expired");
        Assert.Equal("paused", (await server.Worker.StateAsync(mentor)).Status);
    }

    [Fact]
    public async Task Roles_ForbiddenAndOutOfScope()
    {
        var org = await _world.StandardOrgAsync();
        var other = await _world.StandardOrgAsync();
        await Refused(() => Call(org.MentorA, "mentor_deactivate(@MentorA, 'x', NULL, @now)", new { org.MentorA, now = Now }), "LP403", "forbidden");
        await Refused(() => Pause(org.CoordinatorB, org.MentorA), "LP404", "not_found");
        await Refused(() => Pause(org.MentorA2, org.MentorA), "LP404", "not_found");
        await Refused(() => Pause(other.Admin, org.MentorA), "LP404", "not_found");
        await Refused(() => Pause(org.Admin, Guid.NewGuid()), "LP404", "not_found");
        await Refused(() => SqlAs.PersonAsync(server.Database, null, c => c.ExecuteAsync(
            "SELECT mentor_pause(@MentorA, NULL, NULL, NULL, now())", org)), "LP404", "not_found");
        Assert.Equal(1, (await server.Worker.StateAsync(org.MentorA)).Version);
    }

    [Theory]
    [InlineData("UPDATE peer_mentors SET status = 'paused' WHERE id = @MentorA")]
    [InlineData("UPDATE peer_mentors SET version = 9 WHERE id = @MentorA")]
    [InlineData("INSERT INTO pause_records (mentor_id, organization_id, status, kind) VALUES (@MentorA, @Id, 'paused', 'voluntary')")]
    [InlineData("INSERT INTO mentor_status_log (organization_id, mentor_id, transition, previous_status, new_status, version) VALUES (@Id, @MentorA, 'pause', 'active', 'paused', 2)")]
    [InlineData("SELECT mentor_transition(@MentorA, 'pause', NULL, NULL, NULL, now(), NULL::people)")]
    [InlineData("SELECT mentor_certification_expire(@MentorA, now())")]
    [InlineData("SELECT enqueue_outbox(@Id, 'mentor_status_changed', '{}')")]
    public async Task ApplicationRole_CannotGoAroundTheFunctions(string sql)
    {
        var org = await _world.StandardOrgAsync();
        await Refused(() => SqlAs.PersonAsync(server.Database, org.Admin, c => c.ExecuteAsync(sql, org)), "42501");
    }

    private Task<bool> Expire(Guid mentor, DateTimeOffset now) =>
        SqlAs.WorkerAsync(server.Database, c => c.ExecuteScalarAsync<bool>("SELECT mentor_certification_expire(@mentor, @now)", new { mentor, now }));

    [Fact]
    public async Task CertificationExpire_PausesAnExpiredActiveMentor_Once()
    {
        var orgId = await _world.OrganizationAsync();
        var chapter = await _world.ChapterAsync(orgId);
        var mentor = await _world.PersonAsync(orgId, "Lapsed", mentorIn: [chapter], certificationExpiresAt: new DateOnly(2026, 1, 31));
        Assert.False(await Expire(mentor, new DateTimeOffset(2026, 1, 31, 22, 0, 0, TimeSpan.Zero))); // 23:00 on the 31st in Oslo: not yet expired
        Assert.True(await Expire(mentor, new DateTimeOffset(2026, 1, 31, 23, 30, 0, TimeSpan.Zero))); // 1 February 00:30 in Oslo
        Assert.False(await Expire(mentor, new DateTimeOffset(2026, 2, 2, 0, 0, 0, TimeSpan.Zero)));
        var pause = Assert.Single(await server.Worker.PausesAsync(mentor));
        Assert.Equal(("expired_cert", "certification_expired", "certification_expired"), (pause.Status, pause.Kind, pause.PauseReason));
        var log = Assert.Single(await server.Worker.LogAsync(mentor));
        Assert.Equal(("certification_expiry", (Guid?)null), (log.Transition, log.ActorId));
        var outbox = Assert.Single(await server.Worker.OutboxAsync(mentor));
        Assert.Equal(JsonValueKind.Null, outbox.GetProperty("actor_id").ValueKind);
        Assert.Equal("certification_expired", outbox.GetProperty("kind").GetString());
        await server.Worker.AssertConsistentAsync(mentor);
    }

    [Fact]
    public async Task CertificationExpire_NotEligible_ReturnsFalseAndChangesNothing()
    {
        var org = await _world.StandardOrgAsync();
        Assert.False(await Expire(org.MentorA, Now)); // valid for a year
        await SqlAs.WorkerAsync(server.Database, c => c.ExecuteAsync(
            "UPDATE peer_mentors SET certification_expires_at = '2020-01-01' WHERE id IN (@MentorA, @MentorA2)", org));
        await Pause(org.CoordinatorA, org.MentorA);
        Assert.False(await Expire(org.MentorA, Now)); // already paused
        await Call(org.CoordinatorA, "mentor_deactivate(@MentorA2, 'Left', NULL, @now)", new { org.MentorA2, now = Now });
        Assert.False(await Expire(org.MentorA2, Now)); // inactive
        Assert.False(await Expire(Guid.NewGuid(), Now));
        Assert.Equal(2, (await server.Worker.StateAsync(org.MentorA)).Version);
        Assert.Equal(2, (await server.Worker.StateAsync(org.MentorA2)).Version);
    }

    [Fact]
    public async Task CertificationExpire_OfPendingMentor_ClosesTheVoluntaryPauseAndOpensAnExpiredCertOne()
    {
        var org = await _world.StandardOrgAsync(requireAck: true);
        await Pause(org.MentorA, org.MentorA);
        await Call(org.MentorA, "mentor_reactivate(@MentorA, NULL, @now)", new { org.MentorA, now = Now });
        await SqlAs.WorkerAsync(server.Database, c => c.ExecuteAsync("UPDATE peer_mentors SET certification_expires_at = '2020-01-01' WHERE id = @MentorA", org));
        Assert.True(await Expire(org.MentorA, Now.AddMinutes(1)));
        var pauses = await server.Worker.PausesAsync(org.MentorA);
        Assert.Equal([("active", "voluntary"), ("expired_cert", "certification_expired")], pauses.Select(p => (p.Status, p.Kind)));
        Assert.Null(pauses[0].ReactivatedAt);
        Assert.Equal("paused", (await server.Worker.StateAsync(org.MentorA)).Status);
        // Acknowledging is no longer possible; reactivation waits for a renewed certification.
        await Refused(() => Call(org.CoordinatorA, "mentor_reactivate(@MentorA, NULL, @now)", new { org.MentorA, now = Now }), "LP422", "certification_expired");
        await Call(org.CoordinatorA, "mentor_certification_set(@MentorA, '2099-01-01', NULL, @now)", new { org.MentorA, now = Now });
        Assert.Equal("active", (await Call(org.CoordinatorA, "mentor_reactivate(@MentorA, NULL, @now)", new { org.MentorA, now = Now.AddMinutes(2) })).Status);
        Assert.Equal("active", (await server.Worker.PausesAsync(org.MentorA))[1].Status);
        await server.Worker.AssertConsistentAsync(org.MentorA, certificationChanges: 1);
    }

    [Fact]
    public async Task CertificationSet_BumpsTheVersion_OnlyForCoordinatorsAndAdmins()
    {
        var org = await _world.StandardOrgAsync();
        await Refused(() => Call(org.MentorA, "mentor_certification_set(@MentorA, '2030-01-01', NULL, now())", org), "LP403", "forbidden");
        await Refused(() => Call(org.CoordinatorB, "mentor_certification_set(@MentorA, '2030-01-01', NULL, now())", org), "LP404", "not_found");
        await Refused(() => Call(org.Admin, "mentor_certification_set(@MentorA, '2030-01-01', 5, now())", org), "LP412", "version_mismatch");
        Assert.Equal(("active", 2), await Call(org.Admin, "mentor_certification_set(@MentorA, '2030-01-01', 1, now())", org));
        Assert.Equal(new DateOnly(2030, 1, 1), (await server.Worker.StateAsync(org.MentorA)).CertificationExpiresAt);
        Assert.Empty(await server.Worker.LogAsync(org.MentorA));
    }
}
