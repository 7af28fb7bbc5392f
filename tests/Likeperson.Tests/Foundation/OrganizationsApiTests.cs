using System.Net.Http.Json;
using System.Text.Json;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Foundation;

/// <summary>POST /organizations and PATCH /organizations/{id}/settings through HTTP.</summary>
public sealed class OrganizationsApiTests(TestServer server) : IClassFixture<TestServer>
{
    private static readonly string[] SettingsMembers = ["require_reactivation_ack", "reminder_threshold_days", "escalation_threshold_days",
        "honorarium_thresholds", "digest_hour", "timezone", "push_includes_reason", "certification_warning_days"];

    private World World => new(server.Worker);

    [Fact]
    public async Task Create_AsSystemAdmin_Returns201WithSettingsAndDefaults()
    {
        var response = await server.AsSystemAdmin().PostJsonAsync("/api/v1/organizations",
            new { name = "  Blindeforbundet ", settings = new { honorarium_thresholds = new[] { 3, 15 }, digest_hour = 7 } });
        var org = await response.ReadAsync<JsonElement>(201);
        ApiShape.HasMembers(org, "id", "name", "settings", "created_at");
        ApiShape.HasMembers(org.GetProperty("settings"), SettingsMembers);
        ApiShape.IsUtcTimestamp(org.GetProperty("created_at"));
        Assert.Equal("Blindeforbundet", org.GetProperty("name").GetString());
        Assert.Equal($"/api/v1/organizations/{org.GetProperty("id").GetGuid()}", response.Headers.Location?.OriginalString);
        var s = org.GetProperty("settings");
        Assert.Equal("[3,15]", s.GetProperty("honorarium_thresholds").GetRawText());
        Assert.Equal("[30,7]", s.GetProperty("certification_warning_days").GetRawText()); // the default
        Assert.Equal((7, 10, 20, "Europe/Oslo", false, false), (s.GetProperty("digest_hour").GetInt32(),
            s.GetProperty("reminder_threshold_days").GetInt32(), s.GetProperty("escalation_threshold_days").GetInt32(),
            s.GetProperty("timezone").GetString(), s.GetProperty("require_reactivation_ack").GetBoolean(),
            s.GetProperty("push_includes_reason").GetBoolean()));
    }

    [Fact]
    public async Task Create_InvalidFields_Returns422WithEveryFieldAndCreatesNothing()
    {
        var before = await ApiShape.SetupStateAsync(server.Worker);
        var problem = await (await server.AsSystemAdmin().PostJsonAsync("/api/v1/organizations", new
        {
            name = new string('n', 201),
            settings = new { reminder_threshold_days = 0, escalation_threshold_days = 400, digest_hour = 24,
                             timezone = "Mars/Olympus_Mons", honorarium_thresholds = new[] { 3, 0, 3 } },
        })).ProblemAsync(422, "validation_failed");
        Assert.Equal(["name", "settings.digest_hour", "settings.escalation_threshold_days", "settings.honorarium_thresholds",
                      "settings.reminder_threshold_days", "settings.timezone"], ApiShape.ErrorFields(problem));
        await (await server.AsSystemAdmin().PostJsonAsync("/api/v1/organizations", new { name = " " })).ProblemAsync(422, "validation_failed");
        Assert.Equal(before, await ApiShape.SetupStateAsync(server.Worker));
    }

    [Theory]
    [InlineData("W. Europe Standard Time")] // a Windows id .NET would translate, but not IANA
    [InlineData("")]
    public async Task Create_NonIanaTimezone_Returns422(string timezone)
    {
        var problem = await (await server.AsSystemAdmin().PostJsonAsync("/api/v1/organizations",
            new { name = "Org", settings = new { timezone } })).ProblemAsync(422, "validation_failed");
        Assert.Equal(["settings.timezone"], ApiShape.ErrorFields(problem));
    }

    [Fact]
    public async Task Create_AsAnyoneButSystemAdmin_Returns403()
    {
        var org = await World.StandardOrgAsync();
        foreach (var person in new[] { org.Admin, org.CoordinatorA, org.MentorA })
            await (await server.As(person).PostJsonAsync("/api/v1/organizations", new { name = "Mine" })).ProblemAsync(403, "forbidden");
        await (await server.As("someone-else").PostJsonAsync("/api/v1/organizations", new { name = "Mine" })).ProblemAsync(403, "forbidden");
    }

    private static Task<HttpResponseMessage> PatchAsync(HttpClient client, Guid org, object body) =>
        client.PatchAsJsonAsync($"/api/v1/organizations/{org}/settings", body, TestServer.Json);

    [Fact]
    public async Task UpdateSettings_EmptyPatch_Returns200Unchanged()
    {
        var org = await World.StandardOrgAsync();
        var before = await ApiShape.SetupStateAsync(server.Worker);
        var body = await (await PatchAsync(server.As(org.Admin), org.Id, new { })).ReadAsync<JsonElement>();
        ApiShape.HasMembers(body, "id", "name", "settings", "created_at");
        Assert.Equal(10, body.GetProperty("settings").GetProperty("reminder_threshold_days").GetInt32());
        Assert.Equal(before, await ApiShape.SetupStateAsync(server.Worker));
    }

    [Fact]
    public async Task UpdateSettings_SomeMembers_ChangesOnlyThose()
    {
        var org = await World.StandardOrgAsync();
        var s = (await (await PatchAsync(server.As(org.Admin), org.Id, new
        {
            require_reactivation_ack = true, honorarium_thresholds = new[] { 3, 15 }, timezone = "America/New_York", digest_hour = 0,
        })).ReadAsync<JsonElement>()).GetProperty("settings");
        Assert.True(s.GetProperty("require_reactivation_ack").GetBoolean());
        Assert.Equal(("[3,15]", "America/New_York", 0, 20), (s.GetProperty("honorarium_thresholds").GetRawText(),
            s.GetProperty("timezone").GetString(), s.GetProperty("digest_hour").GetInt32(), s.GetProperty("escalation_threshold_days").GetInt32()));
        var get = await (await server.As(org.MentorA).GetAsync($"/api/v1/organizations/{org.Id}")).ReadAsync<JsonElement>();
        Assert.Equal("America/New_York", get.GetProperty("settings").GetProperty("timezone").GetString());
    }

    [Fact]
    public async Task UpdateSettings_Invalid_Returns422AndChangesNothing()
    {
        var org = await World.StandardOrgAsync();
        var before = await ApiShape.SetupStateAsync(server.Worker);
        var problem = await (await PatchAsync(server.As(org.Admin), org.Id, new { escalation_threshold_days = 5, digest_hour = -1 }))
            .ProblemAsync(422, "validation_failed");
        Assert.Equal(["digest_hour", "escalation_threshold_days"], ApiShape.ErrorFields(problem));
        Assert.Equal(before, await ApiShape.SetupStateAsync(server.Worker));
    }

    [Fact]
    public async Task UpdateSettings_NotAnOrgAdmin_Returns403AndOtherOrganization404()
    {
        var org = await World.StandardOrgAsync();
        var other = await World.StandardOrgAsync();
        var before = await ApiShape.SetupStateAsync(server.Worker);
        foreach (var client in new[] { server.As(org.CoordinatorA), server.As(org.MentorA), server.AsSystemAdmin() })
            await (await PatchAsync(client, org.Id, new { digest_hour = 3 })).ProblemAsync(403, "forbidden");
        await (await PatchAsync(server.As(other.Admin), org.Id, new { digest_hour = 3 })).ProblemAsync(404, "not_found");
        await (await PatchAsync(server.As(org.Admin), Guid.NewGuid(), new { digest_hour = 3 })).ProblemAsync(404, "not_found");
        await (await server.As(other.Admin).GetAsync($"/api/v1/organizations/{org.Id}")).ProblemAsync(404, "not_found");
        Assert.Equal(before, await ApiShape.SetupStateAsync(server.Worker));
    }

    [Fact]
    public async Task UpdateSettings_NoBody_Returns400()
    {
        var org = await World.StandardOrgAsync();
        var url = $"/api/v1/organizations/{org.Id}/settings";
        await (await server.As(org.Admin).PatchAsync(url, new StringContent("", System.Text.Encoding.UTF8, "application/json")))
            .ProblemAsync(400, "malformed_request");
        await (await server.As(org.Admin).PatchAsync(url, null)).ProblemAsync(400, "malformed_request");
        await (await server.As(org.Admin).PatchAsync(url, new StringContent("null", System.Text.Encoding.UTF8, "application/json")))
            .ProblemAsync(400, "malformed_request");
    }
}
