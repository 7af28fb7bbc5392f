using System.Diagnostics;
using System.Diagnostics.Metrics;
using Likeperson.Realtime;

namespace Likeperson.Operations;

/// <summary>
/// The background work's figures (meter `Likeperson`, beside the stream's): outbox rows dispatched and job runs by job and
/// outcome. Counters only, added where the work finishes; nothing here reads the database.
/// </summary>
public sealed class WorkMetrics
{
    private readonly Counter<long> _dispatched;
    private readonly Counter<long> _jobRuns;
    private readonly Histogram<double> _jobDuration;

    public WorkMetrics(IMeterFactory? meters = null)
    {
        var meter = meters?.Create(StreamMetrics.MeterName) ?? new Meter(StreamMetrics.MeterName);
        _dispatched = meter.CreateCounter<long>("likeperson.outbox.dispatched", "{row}", "Outbox rows (transitions) dispatched to notifications.");
        _jobRuns = meter.CreateCounter<long>("likeperson.jobs.runs", "{run}", "Job runs finished, by job and status (succeeded, failed).");
        _jobDuration = meter.CreateHistogram<double>("likeperson.jobs.duration", "s", "How long job runs took, by job and status.");
    }

    public void OutboxDispatched(int rows) { if (rows > 0) _dispatched.Add(rows); }

    public void JobFinished(string job, string status, TimeSpan took)
    {
        var tags = new TagList { { "job", job }, { "status", status } };
        _jobRuns.Add(1, tags);
        _jobDuration.Record(took.TotalSeconds, tags);
    }
}
