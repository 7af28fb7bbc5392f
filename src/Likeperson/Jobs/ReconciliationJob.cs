using System.Text.Json.Nodes;
using Dapper;
using Likeperson.Database;

namespace Likeperson.Jobs;

/// <summary>
/// reconciliation: compares each mentor's status, live pause record and status log (SQL
/// jobs_reconcile) and records every disagreement in reconciliation_discrepancies. It repairs
/// nothing: a person decides what the truth is. A discrepancy stays open while runs keep finding
/// it (last_seen_at) and is marked resolved by the first run that no longer does.
/// </summary>
public sealed class ReconciliationJob(WorkerDataSource worker) : IJob
{
    public string Name => JobNames.Reconciliation;
    public bool PerOrganization => true;

    public async Task<JsonObject> RunAsync(Guid? organizationId, DateTimeOffset now, Guid runId, CancellationToken ct = default)
    {
        await using var conn = await worker.Source.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var r = await conn.QuerySingleAsync<(long Checked, long Open, long New, long Resolved)>(new CommandDefinition(
            "SELECT mentors_checked, discrepancies, new_discrepancies, resolved FROM jobs_reconcile(@org, @runId, @now)",
            new { org = organizationId ?? throw new ArgumentNullException(nameof(organizationId)), runId, now }, tx, cancellationToken: ct,
            commandTimeout: 0));
        await tx.CommitAsync(ct);
        return new JsonObject
        {
            ["mentors_checked"] = r.Checked, ["discrepancies"] = r.Open, ["new_discrepancies"] = r.New, ["resolved_discrepancies"] = r.Resolved,
        };
    }
}
