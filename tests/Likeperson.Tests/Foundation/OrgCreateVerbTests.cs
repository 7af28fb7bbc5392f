using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Foundation;

/// <summary>
/// The first run from the shell: `org create --name … --admin …` run as the real program against the test server's
/// database creates the organisation with default settings and its first org admin, prints both ids, and the admin's id
/// is the `sub` of a token the API accepts as that org admin. Bad arguments: one line naming the problem, exit 2, nothing created.
/// </summary>
public sealed partial class OrgCreateVerbTests(TestServer server) : IClassFixture<TestServer>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    private string[] Host => [.. ServerProcess.Common, .. ServerProcess.External(server.Database), "--Logging:LogLevel:Default=Warning"];

    private async Task<long> OrganizationsNamedAsync(string name)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM organizations WHERE name = @name", new { name });
    }

    [Fact]
    public async Task OrgCreate_NameAndAdmin_CreatesBothPrintsTheIdsAndTheAdminsTokenWorks()
    {
        await using var verb = ServerProcess.Start(["org", "create", "--name", "Blindeforbundet Vest", "--admin", "Solveig Haugen", .. Host]);

        var code = await verb.ExitCodeAsync(Limit);

        Assert.True(code == 0, $"exit {code}\n{verb.Stdout}\n{verb.Stderr}");
        var org = Guid.Parse(OrganizationLine().Match(verb.Stdout).Groups[1].Value);
        var admin = Guid.Parse(AdminLine().Match(verb.Stdout).Groups[1].Value);
        var me = await (await server.As(admin).GetAsync("/api/v1/me")).ReadAsync<JsonElement>();
        Assert.Equal("Solveig Haugen", me.GetProperty("person").GetProperty("display_name").GetString());
        Assert.Equal(org, me.GetProperty("organization").GetProperty("id").GetGuid());
        Assert.Equal("Blindeforbundet Vest", me.GetProperty("organization").GetProperty("name").GetString());
        Assert.Equal(["org_admin"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var settings = (await (await server.As(admin).GetAsync($"/api/v1/organizations/{org}")).ReadAsync<JsonElement>()).GetProperty("settings");
        Assert.Equal(10, settings.GetProperty("reminder_threshold_days").GetInt32()); // the defaults of POST /organizations
        Assert.Equal("Europe/Oslo", settings.GetProperty("timezone").GetString());
        var chapter = await server.As(admin).PostJsonAsync($"/api/v1/organizations/{org}/chapters", new { name = "Bergen" });
        Assert.Equal(201, (int)chapter.StatusCode); // the admin can start setting up at once
    }

    [Theory]
    [InlineData("--admin is missing", "org", "create", "--name", "No Admin Org")]
    [InlineData("--name is missing", "org", "create", "--admin", "Someone")]
    [InlineData("--name needs a value", "org", "create", "--name", "--admin", "Someone")]
    [InlineData("Unknown org command 'delete'", "org", "delete")]
    [InlineData("Unexpected argument 'Org'", "org", "create", "--name", "Split", "Org", "--admin", "Someone")]
    [InlineData("--name: A name of 1 to 200 characters is required.", "org", "create", "--name", "  ", "--admin", "Someone")]
    public async Task OrgCreate_BadArguments_OneLineNamingTheProblemExit2AndNothingCreated(string problem, params string[] args)
    {
        await using var verb = ServerProcess.Start([.. args, .. Host]);

        var code = await verb.ExitCodeAsync(Limit);

        var lines = verb.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(code == 2 && lines.Length == 1, $"exit {code}, stderr:\n{verb.Stderr}\nstdout:\n{verb.Stdout}");
        Assert.StartsWith(problem, lines[0]);
        Assert.Contains("Usage: org create --name NAME --admin", lines[0]);
        Assert.DoesNotContain("   at ", verb.Stdout + verb.Stderr);
        Assert.Equal(0, await OrganizationsNamedAsync("No Admin Org"));
        Assert.Equal(0, await OrganizationsNamedAsync("Split"));
    }

    [GeneratedRegex(@"^organization_id ([0-9a-f-]{36})  ", RegexOptions.Multiline)]
    private static partial Regex OrganizationLine();

    [GeneratedRegex(@"^admin_person_id ([0-9a-f-]{36})  ", RegexOptions.Multiline)]
    private static partial Regex AdminLine();
}
