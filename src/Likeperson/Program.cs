using Likeperson;
using Likeperson.Database;
using Likeperson.Demo;

// Verbs: (none) or `serve` runs the server; `migrate` and `migrate down --to N` change the schema
// and exit; `seed` loads the demo organisation and exits; `jobs run NAME [--org ID]` runs a job now
// and exits. ASP.NET Core host options (--urls, --environment, --Key=value) work with every verb.
var verb = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "serve";
var hostArgs = args.Length > 0 && args[0] == verb ? args[1..] : args;

try
{
    switch (verb)
    {
        case "serve":
            var app = await LikepersonApp.BuildAsync(hostArgs);
            await app.RunAsync();
            return 0;
        case "migrate":
            return await Verbs.MigrateAsync(args.Skip(1).ToArray());
        case "seed":
            return await Verbs.SeedAsync(hostArgs);
        case "jobs":
            return await Likeperson.Jobs.JobsVerb.RunAsync(hostArgs);
        default:
            Console.Error.WriteLine($"Unknown verb '{verb}'. Use: serve | migrate | migrate down --to N | seed | jobs run NAME [--org ID]");
            return 2;
    }
}
catch (StartupException e)
{
    Console.Error.WriteLine(e.Message); // one sentence for the operator, no stack trace
    return 1;
}

public partial class Program;
