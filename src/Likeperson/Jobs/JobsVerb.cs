using System.Text.Json;
using Dapper;
using Likeperson.Database;

namespace Likeperson.Jobs;

/// <summary>
/// `jobs run NAME [--org ID]`: the operator's manual run (trigger manual), e.g. to recover from a
/// failed nightly run. Without --org a per-organisation job runs for every organisation in turn.
/// Prints each run as JSON; the exit code is 0 when every run succeeded, 1 when one failed.
/// </summary>
public static class JobsVerb
{
    public static async Task<int> RunAsync(string[] args)
    {
        var orgIndex = Array.IndexOf(args, "--org");
        Guid? org = null;
        if (orgIndex >= 0)
        {
            if (orgIndex + 1 >= args.Length || !Guid.TryParse(args[orgIndex + 1], out var id)) return Usage("--org needs an organisation id.");
            org = id;
            args = args.Where((_, i) => i != orgIndex && i != orgIndex + 1).ToArray();
        }
        if (args.Length < 2 || args[0] != "run") return Usage(null);
        var name = args[1];

        await using var app = await LikepersonApp.BuildAsync(args[2..]); // built, not started: no server, no background loops
        try
        {
            var runner = app.Services.GetRequiredService<JobRunner>();
            if (runner.Find(name) is not { } job) return Usage($"There is no job '{name}'.");
            Guid?[] orgs = !job.PerOrganization ? [null] : org is not null ? [org] : await AllOrganizationsAsync(app.Services);
            var failed = 0;
            foreach (var o in orgs)
            {
                JobRunResponse run;
                try { run = await runner.RunNowAsync(job, o, startedBy: null); }
                catch (ApiException e) // job_running: a manual run of this job is under way for the organisation
                {
                    Console.Error.WriteLine(e.Message);
                    failed++;
                    continue;
                }
                Console.WriteLine(JsonSerializer.Serialize(run, SnakeCase.Json));
                if (run.Status == JobStatus.Failed) failed++;
            }
            return failed == 0 ? 0 : 1;
        }
        finally
        {
            await app.Services.GetRequiredService<EmbeddedPostgresLifetime>().StopAsync(CancellationToken.None);
        }
    }

    private static async Task<Guid?[]> AllOrganizationsAsync(IServiceProvider services)
    {
        await using var conn = await services.GetRequiredService<WorkerDataSource>().Source.OpenConnectionAsync();
        return (await conn.QueryAsync<Guid>("SELECT id FROM organizations ORDER BY created_at, id")).Select(id => (Guid?)id).ToArray();
    }

    private static int Usage(string? problem)
    {
        if (problem is not null) Console.Error.WriteLine(problem);
        Console.Error.WriteLine($"Usage: jobs run NAME [--org ORGANIZATION_ID]   (NAME: {string.Join(", ", JobNames.Public)}, {JobNames.Retention})");
        return 2;
    }
}
