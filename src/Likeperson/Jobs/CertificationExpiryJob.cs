using System.Text.Json.Nodes;
using Dapper;
using Likeperson.Database;
using Npgsql;

namespace Likeperson.Jobs;

/// <summary>
/// certification-expiry: every active or pending_reactivation mentor whose certification expired
/// (before today in the organisation's time zone) is paused through the same transition a person
/// uses, SQL mentor_certification_expire (kind certification_expired, pause record expired_cert),
/// so the change event and the certification_expiry_auto_pause notification follow as for any
/// pause. One set-based selection, then the transitions in short batches: each transaction holds
/// the organisation's stream lock until it commits, so a batch stays small, and a batch that loses
/// a deadlock to a person's transition is simply retried (the function re-checks eligibility).
/// Then the warnings before a lapse (SQL jobs_certification_warnings, as of the same now): certification_expiring outbox
/// rows for the mentors whose days left first dropped to or below one of the organisation's certification_warning_days.
/// </summary>
public sealed class CertificationExpiryJob(WorkerDataSource worker, JobOptions options, ILogger<CertificationExpiryJob> log) : IJob
{
    private const int MaxAttempts = 5;

    public string Name => JobNames.CertificationExpiry;
    public bool PerOrganization => true;

    public async Task<JsonObject> RunAsync(Guid? organizationId, DateTimeOffset now, Guid runId, CancellationToken ct = default)
    {
        var org = organizationId ?? throw new ArgumentNullException(nameof(organizationId));
        Guid[] due;
        await using (var conn = await worker.Source.OpenConnectionAsync(ct))
            due = (await conn.QueryAsync<Guid>(new CommandDefinition("""
                SELECT m.id FROM peer_mentors m JOIN organizations o ON o.id = m.organization_id
                WHERE m.organization_id = @org AND m.status IN ('active', 'pending_reactivation')
                  AND m.certification_expires_at < (@now AT TIME ZONE o.timezone)::date
                ORDER BY m.id
                """, new { org, now }, cancellationToken: ct, commandTimeout: 0))).ToArray();

        long paused = 0;
        foreach (var batch in due.Chunk(options.CertificationExpiryBatchSize))
            paused += await PauseBatchAsync(batch, now, ct);
        var (expiring, warnings) = await WarnAsync(org, now, ct);
        return new JsonObject
        {
            ["eligible"] = due.Length, ["paused"] = paused, ["skipped"] = due.Length - paused, ["expiring"] = expiring, ["warnings"] = warnings,
        };
    }

    private async Task<(long Expiring, long Warnings)> WarnAsync(Guid org, DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await worker.Source.OpenConnectionAsync(ct);
        return await conn.QuerySingleAsync<(long, long)>(new CommandDefinition(
            "SELECT due, warnings FROM jobs_certification_warnings(@org, @now)", new { org, now }, cancellationToken: ct, commandTimeout: 0));
    }

    private async Task<long> PauseBatchAsync(Guid[] mentors, DateTimeOffset now, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var conn = await worker.Source.OpenConnectionAsync(ct);
                await using var tx = await conn.BeginTransactionAsync(ct);
                // Mentor by mentor in id order (the function locks each row); true = paused now.
                var paused = await conn.ExecuteScalarAsync<long>(new CommandDefinition("""
                    SELECT count(*) FILTER (WHERE mentor_certification_expire(m.id, @now))
                    FROM (SELECT id FROM unnest(@mentors::uuid[]) AS u(id) ORDER BY id) m
                    """, new { mentors, now }, tx, cancellationToken: ct, commandTimeout: 0));
                await tx.CommitAsync(ct);
                return paused;
            }
            catch (PostgresException e) when (attempt < MaxAttempts &&
                e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                log.LogWarning("certification-expiry: a batch of {Count} mentors lost a lock race ({SqlState}); retrying (attempt {Attempt})",
                    mentors.Length, e.SqlState, attempt + 1);
            }
        }
    }
}
