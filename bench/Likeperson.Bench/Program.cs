using Likeperson.Bench.Scenarios;

namespace Likeperson.Bench;

/// <summary>
/// `dotnet run --project bench/Likeperson.Bench -c Release -- [--quick] [--list] [scenario ...]`: runs the named scenarios
/// (all without names) on a throwaway cluster and writes bench/results.json and bench/README.md (not in quick mode
/// unless --write is given).
/// </summary>
public static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        var quick = args.Contains("--quick");
        var write = !quick || args.Contains("--write");
        var names = args.Where(a => !a.StartsWith("--")).ToList();
        if (args.Contains("--list"))
        {
            foreach (var s in ScenarioRegistry.All) Console.WriteLine($"{s.Name,-16} {s.Title}");
            return 0;
        }
        var unknown = names.Where(n => ScenarioRegistry.All.All(s => s.Name != n)).ToList();
        if (unknown.Count > 0)
        {
            Console.Error.WriteLine($"Unknown scenario(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", ScenarioRegistry.All.Select(s => s.Name))}");
            return 2;
        }
        var selected = ScenarioRegistry.All.Where(s => names.Count == 0 || names.Contains(s.Name)).ToList();
        var benchDir = Results.BenchDirectory();
        if (args.Contains("--prepare"))
            return await PrepareAsync(quick, args);

        // Ctrl-C or SIGTERM ends the run cleanly: servers stopped, the throwaway cluster stopped and removed.
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        await using var cluster = await BenchCluster.StartAsync();
        var header = Results.Header(await cluster.ServerVersionAsync());
        var failed = 0;
        await using var ctx = new BenchContext(cluster, quick); // one context: the shared organisation is loaded once per run
        foreach (var scenario in selected)
        {
            Console.WriteLine($"== {scenario.Name}: {scenario.Title}{(quick ? " (quick)" : "")}");
            try
            {
                var result = await scenario.RunAsync(ctx, stop.Token);
                foreach (var (k, v) in result.Figures.OrderBy(f => f.Key, StringComparer.Ordinal)) Console.WriteLine($"   {k} = {Results.N(v)}");
                if (write)
                {
                    Results.MergeFigures(benchDir, result.Figures);
                    Results.WriteSection(benchDir, scenario.Name, scenario.Title, result.Markdown, header);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                Console.Error.WriteLine("   stopped");
                return 130;
            }
            catch (Exception e)
            {
                failed++;
                Console.Error.WriteLine($"   {scenario.Name} failed: {e}");
            }
            finally { await ctx.StopServersAsync(); }
        }
        if (write) Console.WriteLine($"Written to {Path.Combine(benchDir, "README.md")} and results.json");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>
    /// `--prepare`: loads the organisation (and the engagement report's year, a second database; with `--jobs` the nightly
    /// jobs' organisation, a third) into a cluster under /tmp/lp-bench-prepared whose data stays there, for EXPLAIN with
    /// psql (printed); docs/benchmarks.md says how to start it again.
    /// </summary>
    private static async Task<int> PrepareAsync(bool quick, string[] args)
    {
        var cluster = await BenchCluster.StartAsync("/tmp/lp-bench-prepared");
        var ctx = new BenchContext(cluster, quick);
        var (db, org) = await ctx.CreateLoadedDatabaseAsync();
        var cs = new Npgsql.NpgsqlConnectionStringBuilder(db.Application);
        Console.WriteLine($"psql -h {cs.Host} -d {cs.Database} -U likeperson_app   # owner: -U postgres");
        Console.WriteLine($"organisation {org.OrganizationId}, admin {org.AdminId}, chapter {org.Chapters[0].Id} coordinator {org.Chapters[0].Coordinators[0]}");
        var reportDb = await cluster.CreateDatabaseAsync();
        var report = await EngagementData.LoadAsync(reportDb.Owner!, quick ? EngagementSpec.Quick : EngagementSpec.Full, Console.Out);
        Console.WriteLine($"psql -h {cs.Host} -d {new Npgsql.NpgsqlConnectionStringBuilder(reportDb.Application).Database} -U likeperson_app   # the engagement report's year");
        Console.WriteLine($"organisation {report.OrganizationId}, admin {report.Admin}, chapter {report.Chapter} coordinator {report.Coordinator}");
        if (!args.Contains("--jobs")) return 0;
        var jobsDb = await cluster.CreateDatabaseAsync();
        var jobs = await JobsData.LoadAsync(jobsDb.Owner!, quick ? JobsSpec.Quick : JobsSpec.Full, Console.Out);
        Console.WriteLine($"psql -h {cs.Host} -d {new Npgsql.NpgsqlConnectionStringBuilder(jobsDb.Application).Database} -U likeperson_app   # the nightly jobs' organisation");
        Console.WriteLine($"organisation {jobs.OrganizationId}, {jobs.Expired:N0} certifications expired");
        return 0;
    }
}
