using System.Diagnostics;
using Dapper;
using Likeperson.Jobs;
using Npgsql;

namespace Likeperson.Bench.Scenarios;

/// <summary>
/// Issue 7: the nightly jobs at scale, each timed from the start of its run until every notification it causes exists
/// (the outbox is empty again), with the server's dispatcher and push sender running as in production (push to a fake
/// FCM; every person has a device), on the organisation of <see cref="JobsData"/>: certification-expiry over 100,000
/// mentors of whom 10,000 expired; follow-up-reminders over 1,000,000 assignments, of which 300,000 open or pending,
/// 10% of those past the reminder threshold and a third of these past the escalation threshold as well.
/// </summary>
public sealed class JobsScenario : IScenario
{
    public string Name => "jobs";
    public string Title => "Nightly jobs with their notifications (issue 7)";

    public async Task<ScenarioResult> RunAsync(BenchContext ctx, CancellationToken ct)
    {
        var spec = ctx.Quick ? JobsSpec.Quick : JobsSpec.Full;
        var db = await ctx.CreateDatabaseAsync();
        var org = await JobsData.LoadAsync(db.Owner!, spec, ctx.Log);
        var (expired, overdue, escalated) = (org.Expired, org.Overdue, org.Escalated);
        ctx.Log.WriteLine($"  {expired:N0} certifications expired; {overdue:N0} open assignments overdue, {escalated:N0} of them past escalation");
        await using var fcm = await FakeFcm.StartAsync();
        var server = await ctx.StartServerAsync(db, fcm.Settings);
        var runner = server.Services.GetRequiredService<JobRunner>();
        await using var worker = NpgsqlDataSource.Create(db.Worker);

        var cert = await TimeAsync(ctx, runner, worker, JobNames.CertificationExpiry, org.OrganizationId, ct);
        var reminders = await TimeAsync(ctx, runner, worker, JobNames.FollowUpReminders, org.OrganizationId, ct);

        var figures = new Dictionary<string, double>
        {
            ["cert_expiry_100k_s"] = cert.Total, ["cert_expiry_job_only_s"] = cert.Job, ["cert_expiry_push_sent_s"] = cert.PushSent,
            ["reminders_1m_s"] = reminders.Total, ["reminders_job_only_s"] = reminders.Job, ["reminders_push_sent_s"] = reminders.PushSent,
        };
        string[] Row(string what, Timed t, string goal) =>
            [what, $"{t.Outbox:N0}", $"{t.Notifications:N0}", Results.N(t.Job), $"**{Results.N(t.Total)}**", goal, Results.N(t.PushSent)];
        var table = Results.Table(["job", "outbox rows", "notification rows", "job alone s", "done s", "goal s", "pushes sent s"],
            [Row("certification-expiry", cert, "15"), Row("follow-up-reminders", reminders, "30")]);
        var markdown = $"""
            {spec.Mentors:N0} mentors in {spec.Chapters:N0} chapters (two coordinators each), {spec.Assignments:N0} assignments; one device
            per person, push to a fake FCM on loopback. Each job is run by hand (JobRunner, as `POST /jobs/NAME/run` does) while the
            server's notification dispatcher and push sender run as in production. "Done" is when every outbox row the run queued has
            become its notification rows; "pushes sent" when the last of their push rows has gone to FCM as well.
            {expired:N0} certifications expired (each: two coordinators, in-app and push); {org.OpenAssignments:N0} open or pending
            assignments, {overdue:N0} of them overdue (a reminder to the mentor) and {escalated:N0} of those past escalation as well
            (an escalation to the chapter's two coordinators); in-app and push each.

            {table}
            {ctx.RunNote()}
            """;
        return new ScenarioResult(figures, markdown);
    }

    private sealed record Timed(double Job, double Total, double PushSent, long Outbox, long Notifications);

    private static async Task<Timed> TimeAsync(BenchContext ctx, JobRunner runner, NpgsqlDataSource worker, string job, Guid org,
        CancellationToken ct)
    {
        await using var conn = await worker.OpenConnectionAsync(ct);
        var (outboxBefore, notificationsBefore) = await conn.QuerySingleAsync<(long, long)>(
            "SELECT (SELECT count(*) FROM outbox), (SELECT count(*) FROM notifications)");
        var start = Stopwatch.GetTimestamp();
        var run = await runner.RunNowAsync(runner.Find(job)!, org, null, ct);
        var jobAlone = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (run.Status != JobStatus.Succeeded) throw new InvalidOperationException($"{job} failed: {run.Error}");
        await UntilAsync(conn, "SELECT NOT EXISTS (SELECT 1 FROM outbox WHERE processed_at IS NULL)", $"{job}: the outbox to drain", ct);
        var total = Stopwatch.GetElapsedTime(start).TotalSeconds;
        await UntilAsync(conn, "SELECT NOT EXISTS (SELECT 1 FROM notifications WHERE channel = 'push' AND status = 'pending')",
            $"{job}: the push rows to be sent", ct);
        var pushSent = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var (outbox, notifications, failed) = await conn.QuerySingleAsync<(long, long, long)>(
            "SELECT (SELECT count(*) FROM outbox), (SELECT count(*) FROM notifications), (SELECT count(*) FROM outbox WHERE last_error IS NOT NULL)");
        if (failed > 0) throw new InvalidOperationException($"{job}: {failed} outbox rows failed to dispatch");
        ctx.Log.WriteLine($"  {job}: job {Results.N(jobAlone)} s, with its {notifications - notificationsBefore:N0} notification rows " +
                          $"{Results.N(total)} s, pushes sent {Results.N(pushSent)} s ({run.Stats})");
        return new(jobAlone, total, pushSent, outbox - outboxBefore, notifications - notificationsBefore);
    }

    private static async Task UntilAsync(NpgsqlConnection conn, string sql, string what, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + 600 * Stopwatch.Frequency;
        while (!await conn.ExecuteScalarAsync<bool>(new CommandDefinition(sql, cancellationToken: ct)))
        {
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(20, ct);
        }
    }
}
