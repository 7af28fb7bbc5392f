using System.Text;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Foundation;

/// <summary>Bodies that cannot be read are 400 malformed_request (never 5xx, never partial state); unknown routes are problem 404s.</summary>
public sealed class MalformedRequestTests(TestServer server) : IClassFixture<TestServer>
{
    public static TheoryData<string, string, string> Requests() => new()
    {
        { "POST", "/api/v1/organizations", """{"name": """ },
        { "POST", "/api/v1/organizations", """[{"name": "x"}]""" },
        { "POST", "/api/v1/organizations", """{"name": 5}""" },
        { "POST", "/api/v1/organizations", """{"name": "x", "settings": {"digest_hour": "eight"}}""" },
        { "POST", "/api/v1/organizations", """{"name": "x", "settings": {"honorarium_thresholds": [3, null]}}""" },
        { "POST", "/api/v1/organizations", """{"name": "x", "settings": {"reminder_threshold_days": 99999999999}}""" },
        { "POST", "/api/v1/organizations", """{"name": "x", "settings": {"require_reactivation_ack": "yes"}}""" },
        { "POST", "/api/v1/organizations", """{"name": "x", "settings": 7}""" },
        { "PATCH", "/api/v1/organizations/{org}/settings", """{"digest_hour": 7.5}""" },
        { "PATCH", "/api/v1/organizations/{org}/settings", """{"timezone": ["Europe/Oslo"]}""" },
        { "PATCH", "/api/v1/organizations/{org}/settings", "{" },
        { "POST", "/api/v1/organizations/{org}/chapters", """{"name": {"first": "x"}}""" },
        { "POST", "/api/v1/organizations/{org}/chapters", "" },
        { "POST", "/api/v1/organizations/{org}/people", """{"display_name": "x", "memberships": [{"chapter_id": "{chapter}", "role": "boss"}]}""" },
        { "POST", "/api/v1/organizations/{org}/people", """{"display_name": "x", "memberships": [{"chapter_id": "{chapter}", "role": 1}]}""" },
        { "POST", "/api/v1/organizations/{org}/people", """{"display_name": "x", "memberships": [{"chapter_id": "not-a-uuid", "role": "coordinator"}]}""" },
        { "POST", "/api/v1/organizations/{org}/people", """{"display_name": "x", "org_admin": "yes"}""" },
        { "POST", "/api/v1/organizations/{org}/people", """{"display_name": "x", "certification_expires_at": "2027-02-30"}""" },
        { "POST", "/api/v1/organizations/{org}/people", """{"display_name": "x", "certification_expires_at": "17.05.2027"}""" },
        { "POST", "/api/v1/organizations/{org}/people", """{"display_name": "x", "memberships": {"chapter_id": "{chapter}"}}""" },
        { "PUT", "/api/v1/organizations/{org}/people/{person}/memberships", """{"memberships": [{"chapter_id": "{chapter}", "role": "peer mentor"}]}""" },
        { "PUT", "/api/v1/organizations/{org}/people/{person}/memberships", "null" },
        { "POST", "/api/v1/contacts", """{"display_name": "x", "chapter_id": "abc"}""" },
        { "POST", "/api/v1/contacts", """{"display_name": "x", "chapter_id": 12}""" },
        { "POST", "/api/v1/contacts", "\"just a string\"" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Request_UnreadableBody_Returns400AndChangesNothing(string method, string template, string body)
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        string Fill(string s) => s.Replace("{org}", org.Id.ToString()).Replace("{person}", org.MentorA.ToString())
            .Replace("{chapter}", org.ChapterA.ToString());
        var client = template == "/api/v1/organizations" ? server.AsSystemAdmin() : server.As(org.Admin);
        var before = await ApiShape.SetupStateAsync(server.Worker);
        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), Fill(template))
            { Content = new StringContent(Fill(body), Encoding.UTF8, "application/json") });
        var problem = await response.ProblemAsync(400, "malformed_request");
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.Equal(before, await ApiShape.SetupStateAsync(server.Worker));
    }

    [Theory]
    [InlineData("/api/v1/organizations", """{"name": "a\u0000b"}""")]
    [InlineData("/api/v1/organizations", """{"name": "x", "settings": {"timezone": "Europe/Oslo\u0000"}}""")]
    [InlineData("/api/v1/organizations", """{"name": "x", "settings": {"timezone": "../../../../etc/passwd"}}""")]
    [InlineData("/api/v1/organizations/{org}/chapters", """{"name": "a\u0000b"}""")]
    [InlineData("/api/v1/organizations/{org}/people", """{"display_name": "\u0000"}""")]
    [InlineData("/api/v1/contacts", """{"display_name": "a\u0000", "chapter_id": "{chapter}"}""")]
    public async Task Request_TextPostgresCannotStore_Returns422AndChangesNothing(string template, string body)
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        string Fill(string s) => s.Replace("{org}", org.Id.ToString()).Replace("{chapter}", org.ChapterA.ToString());
        var client = template == "/api/v1/organizations" ? server.AsSystemAdmin() : server.As(org.Admin);
        var before = await ApiShape.SetupStateAsync(server.Worker);
        var response = await client.PostAsync(Fill(template), new StringContent(Fill(body), Encoding.UTF8, "application/json"));
        await response.ProblemAsync(422, "validation_failed");
        Assert.Equal(before, await ApiShape.SetupStateAsync(server.Worker));
    }

    [Fact]
    public async Task Request_NotJson_Returns415()
    {
        var response = await server.AsSystemAdmin().PostAsync("/api/v1/organizations", new StringContent("name=x", Encoding.UTF8, "text/plain"));
        await response.ProblemAsync(415, "unsupported_media_type");
    }

    [Theory]
    [InlineData("GET", "/api/v1/nothing-here")]
    [InlineData("GET", "/api/v1/mentors/not-a-uuid")]
    [InlineData("GET", "/nothing")]
    [InlineData("POST", "/api/v1/organizations/not-a-uuid/chapters")]
    public async Task Request_UnknownRoute_ReturnsProblem404(string method, string url)
    {
        var response = await server.AsSystemAdmin().SendAsync(new HttpRequestMessage(new HttpMethod(method), url));
        await response.ProblemAsync(404, "not_found");
        await (await server.Anonymous().SendAsync(new HttpRequestMessage(new HttpMethod(method), url))).ProblemAsync(404, "not_found");
    }

    [Fact]
    public async Task Request_WrongMethod_ReturnsProblem405()
    {
        var response = await server.AsSystemAdmin().DeleteAsync("/api/v1/organizations");
        await response.ProblemAsync(405, "method_not_allowed");
    }
}
