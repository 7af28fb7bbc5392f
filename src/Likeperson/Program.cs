using Likeperson;
using Likeperson.Database;

// Verbs: (none) or `serve` runs the server; `migrate` and `migrate down --to N` change the schema
// and exit; `seed` loads the demo organisation and exits; `jobs run NAME [--org ID]` runs a job now
// and exits; `org create --name NAME --admin NAME` creates a fresh deployment's first organisation
// and its org admin; `backup FILE` and `restore FILE` dump and load the database. ASP.NET Core host
// options (--urls, --environment, --Key=value) work with every verb.
var verb = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "serve";
var hostArgs = args.Length > 0 && args[0] == verb ? args[1..] : args;

try
{
    switch (verb)
    {
        case "serve":
            return await Verbs.ServeAsync(hostArgs);
        case "migrate":
            return await Verbs.MigrateAsync(args.Skip(1).ToArray());
        case "seed":
            return await Verbs.SeedAsync(hostArgs);
        case "jobs":
            return await Likeperson.Jobs.JobsVerb.RunAsync(hostArgs);
        case "org":
            return await Likeperson.Organizations.OrgVerb.RunAsync(hostArgs);
        case "backup":
            return await Verbs.BackupAsync(hostArgs);
        case "restore":
            return await Verbs.RestoreAsync(hostArgs);
        default:
            Console.Error.WriteLine($"Unknown verb '{verb}'. Use: serve | migrate | migrate down --to N | seed | jobs run NAME [--org ID] | org create --name NAME --admin NAME | backup FILE | restore FILE");
            return 2;
    }
}
catch (Exception e) when (e is not OperationCanceledException)
{
    // Start-up failures (and a verb's): one line naming the cause and the remedy, no stack trace.
    Console.Error.WriteLine(StartupFailure.Describe(e));
    return 1;
}

public partial class Program;
