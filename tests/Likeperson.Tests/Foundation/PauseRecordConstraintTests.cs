using Dapper;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Foundation;

/// <summary>
/// The pause_records table's own rules, at SQL level. Rows are written as the worker role: the
/// application role has no INSERT/UPDATE on pause_records by design (transition functions write them).
/// </summary>
public sealed class PauseRecordConstraintTests(FoundationDatabase db) : IClassFixture<FoundationDatabase>
{
    internal static Task<Guid> InsertPauseAsync(NpgsqlConnection conn, Guid org, Guid mentor, string status = "paused",
        string kind = "voluntary", string? reason = null) =>
        conn.ExecuteScalarAsync<Guid>("""
            INSERT INTO pause_records (mentor_id, organization_id, status, kind, pause_reason, expected_return_date, paused_at, ended_at)
            VALUES (@mentor, @org, @status, @kind, @reason, current_date + 7, now() - interval '10 days',
                    CASE WHEN @status = 'active' THEN now() - interval '1 day' END)
            RETURNING id
            """, new { org, mentor, status, kind, reason });

    [Fact]
    public async Task Insert_ValidPauseRecord_IsStoredWithDefaults()
    {
        var org = await db.World.StandardOrgAsync();
        var row = await db.AsWorkerAsync(async c =>
        {
            var id = await InsertPauseAsync(c, org.Id, org.MentorA, reason: "Exams");
            return await c.QuerySingleAsync<(string Status, string Kind, string Reason, DateTime CreatedAt, DateTime UpdatedAt)>(
                "SELECT status, kind, pause_reason, created_at, updated_at FROM pause_records WHERE id = @id", new { id });
        });
        Assert.Equal(("paused", "voluntary", "Exams"), (row.Status, row.Kind, row.Reason));
        Assert.Equal(row.CreatedAt, row.UpdatedAt);
    }

    [Theory]
    [InlineData("on_holiday", "voluntary", "pause_records_status_valid")]
    [InlineData("PAUSED", "voluntary", "pause_records_status_valid")]
    [InlineData("paused", "holiday", "pause_records_kind_valid")]
    [InlineData("expired_cert", "voluntary", "pause_records_expired_cert_kind")]
    [InlineData("paused", "certification_expired", "pause_records_expired_cert_kind")]
    public async Task Insert_InvalidStatusOrKind_FailsTheCheck(string status, string kind, string constraint)
    {
        var org = await db.World.StandardOrgAsync();
        var e = await Assert.ThrowsAsync<PostgresException>(() =>
            db.AsWorkerAsync(c => InsertPauseAsync(c, org.Id, org.MentorA, status, kind)));
        Assert.Equal((PostgresErrorCodes.CheckViolation, constraint), (e.SqlState, e.ConstraintName));
    }

    [Fact]
    public async Task Insert_ReasonOver200Characters_FailsTheCheck()
    {
        var org = await db.World.StandardOrgAsync();
        await db.AsWorkerAsync(c => InsertPauseAsync(c, org.Id, org.MentorA, reason: new string('r', 200)));
        var e = await Assert.ThrowsAsync<PostgresException>(() =>
            db.AsWorkerAsync(c => InsertPauseAsync(c, org.Id, org.MentorA2, reason: new string('r', 201))));
        Assert.Equal("pause_records_reason_length", e.ConstraintName);
    }

    [Theory]
    [InlineData("paused", "voluntary")]
    [InlineData("expired_cert", "certification_expired")]
    public async Task Insert_SecondLivePause_FailsTheUniqueIndex(string secondStatus, string secondKind)
    {
        var org = await db.World.StandardOrgAsync();
        await db.AsWorkerAsync(c => InsertPauseAsync(c, org.Id, org.MentorA));
        var e = await Assert.ThrowsAsync<PostgresException>(() =>
            db.AsWorkerAsync(c => InsertPauseAsync(c, org.Id, org.MentorA, secondStatus, secondKind)));
        Assert.Equal((PostgresErrorCodes.UniqueViolation, "pause_records_one_live_per_mentor"), (e.SqlState, e.ConstraintName));
    }

    [Fact]
    public async Task Insert_ManyFinishedPauses_AreKeptBesideOneLivePause()
    {
        var org = await db.World.StandardOrgAsync();
        var count = await db.AsWorkerAsync(async c =>
        {
            for (var i = 0; i < 3; i++) await InsertPauseAsync(c, org.Id, org.MentorA, "active");
            await InsertPauseAsync(c, org.Id, org.MentorA, "expired_cert", "certification_expired");
            await InsertPauseAsync(c, org.Id, org.MentorA2); // another mentor's live pause is independent
            return await c.ExecuteScalarAsync<int>("SELECT count(*) FROM pause_records WHERE mentor_id = @MentorA", org);
        });
        Assert.Equal(4, count);
    }

    [Fact]
    public async Task Update_AnyColumn_TriggerSetsUpdatedAt()
    {
        var org = await db.World.StandardOrgAsync();
        var (before, after, now) = await db.AsWorkerAsync(async c =>
        {
            var id = await c.ExecuteScalarAsync<Guid>("""
                INSERT INTO pause_records (mentor_id, organization_id, status, kind, paused_at, created_at, updated_at)
                VALUES (@MentorA, @Id, 'paused', 'coordinator', now() - interval '1 hour', now() - interval '1 hour', now() - interval '1 hour')
                RETURNING id
                """, org);
            var old = await c.ExecuteScalarAsync<DateTime>("SELECT updated_at FROM pause_records WHERE id = @id", new { id });
            var row = await c.QuerySingleAsync<(DateTime UpdatedAt, DateTime Now)>(
                "UPDATE pause_records SET pause_reason = 'Changed' WHERE id = @id RETURNING updated_at, now()", new { id });
            return (old, row.UpdatedAt, row.Now);
        });
        Assert.Equal(now, after);
        Assert.True(after > before, $"updated_at stayed at {before:O}");
    }
}
