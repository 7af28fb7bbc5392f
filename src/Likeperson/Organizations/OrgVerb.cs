using Likeperson.Database;

namespace Likeperson.Organizations;

/// <summary>
/// `org create --name NAME --admin "DISPLAY NAME"`: the first run of a fresh deployment from the shell. Creates the
/// organisation with default settings and its first org admin (<see cref="FirstRun"/>, the code the API uses), prints
/// both ids (the admin's is the `sub` their tokens must carry) and exits 0. Bad arguments print one line naming the
/// problem and exit 2, before the database is touched; a name the API would refuse exits 2 too, creating nothing.
/// </summary>
public static class OrgVerb
{
    public const string Usage = "Usage: org create --name NAME --admin \"DISPLAY NAME\"";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] != "create") return Refuse(args.Length == 0 ? "org needs a command." : $"Unknown org command '{args[0]}'.");
        var rest = args[1..].ToList();
        string? name = null, admin = null;
        foreach (var option in new[] { "--name", "--admin" })
        {
            var at = rest.IndexOf(option);
            if (at < 0) return Refuse($"{option} is missing.");
            if (at + 1 >= rest.Count || rest[at + 1].StartsWith("--")) return Refuse($"{option} needs a value.");
            if (option == "--name") name = rest[at + 1]; else admin = rest[at + 1];
            rest.RemoveRange(at, 2);
        }
        for (var i = 0; i < rest.Count; i++) // the rest is host configuration: --Key=value, or --key value
        {
            if (!rest[i].StartsWith("--")) return Refuse($"Unexpected argument '{rest[i]}' (quote a name with spaces).");
            if (!rest[i].Contains('=') && i + 1 < rest.Count && !rest[i + 1].StartsWith("--")) i++;
        }
        var v = new Validation();
        OrganizationsApi.ValidName(name, v, "name");
        PeopleApi.ValidDisplayName(admin, v, "admin_display_name");
        try { v.ThrowIfAny(); }
        catch (ApiException e) { return Refuse(Describe(e)); }

        await using var app = await LikepersonApp.BuildAsync([.. rest]); // built, not started: no server, no background loops
        try
        {
            var created = await FirstRun.CreateAsync(app.Services.GetRequiredService<Db>(), name, admin);
            Console.WriteLine($"organization_id {created.Organization.Id}  {created.Organization.Name}");
            Console.WriteLine($"admin_person_id {created.Admin.Id}  {created.Admin.DisplayName} (org admin; the sub their tokens must carry)");
            return 0;
        }
        catch (ApiException e) when (e.Errors is not null)
        {
            return Refuse(Describe(e));
        }
        finally
        {
            await app.Services.GetRequiredService<EmbeddedPostgresLifetime>().StopAsync(CancellationToken.None);
        }
    }

    private static string Describe(ApiException e) =>
        string.Join(" ", (e.Errors ?? new Dictionary<string, string[]>()).Select(f => $"{(f.Key == "name" ? "--name" : "--admin")}: {string.Join(" ", f.Value)}"));

    private static int Refuse(string problem)
    {
        Console.Error.WriteLine($"{problem} {Usage}");
        return 2;
    }
}
