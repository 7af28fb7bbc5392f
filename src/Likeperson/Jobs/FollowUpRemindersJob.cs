using System.Text.Json.Nodes;
using Dapper;
using Likeperson.Database;

namespace Likeperson.Jobs;

/// <summary>
/// follow-up-reminders: one set-based statement (SQL jobs_follow_up_reminders) queues a
/// follow_up_reminder outbox row for every open or pending assignment past the organisation's
/// reminder threshold and a follow_up_escalation past the escalation threshold, each once per
/// crossing (follow_up_notices; a new activity starts a new crossing). The notification
/// dispatcher turns them into notifications for the mentor and the chapter's coordinators. Then (SQL
/// jobs_return_dates_passed, as of the same now) a return_date_passed for every paused mentor whose expected return date
/// is behind the organisation's today, once per pause.
/// </summary>
public sealed class FollowUpRemindersJob(WorkerDataSource worker) : IJob
{
    public string Name => JobNames.FollowUpReminders;
    public bool PerOrganization => true;

    public async Task<JsonObject> RunAsync(Guid? organizationId, DateTimeOffset now, Guid runId, CancellationToken ct = default)
    {
        var org = organizationId ?? throw new ArgumentNullException(nameof(organizationId));
        await using var conn = await worker.Source.OpenConnectionAsync(ct);
        var (due, reminders, escalations) = await conn.QuerySingleAsync<(long, long, long)>(new CommandDefinition(
            "SELECT due, reminders, escalations FROM jobs_follow_up_reminders(@org, @now)", new { org, now }, cancellationToken: ct,
            commandTimeout: 0));
        var returnDates = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT jobs_return_dates_passed(@org, @now)", new { org, now }, cancellationToken: ct, commandTimeout: 0));
        return new JsonObject
        {
            ["assignments_due"] = due, ["reminders"] = reminders, ["escalations"] = escalations, ["return_dates_passed"] = returnDates,
        };
    }
}
