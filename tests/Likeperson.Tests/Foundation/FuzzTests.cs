using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Likeperson.Tests.Assignments;
using Likeperson.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Likeperson.Tests.Foundation;

/// <summary>
/// Every write endpoint the server maps (read from its endpoint data source, so a new one is covered without a change
/// here), fed hostile bodies: malformed text must be 400 malformed_request and change nothing; anything else (wrong
/// types, 1 MB strings, nulls) may be refused in any 4xx way but never a 5xx (the test client fails on any 5xx).
/// </summary>
public sealed class FuzzTests(TestServer server) : IClassFixture<TestServer>
{
    private static readonly string[] WriteMethods = ["POST", "PUT", "PATCH", "DELETE"];

    /// <summary>Bodies no endpoint can read: each is 400 malformed_request before any handler runs.</summary>
    public static readonly (string Name, byte[] Body)[] MalformedText =
    [
        ("invalid UTF-8 in a string", [.. "{\"name\": \""u8, 0xC3, 0x28, 0xFF, .. "\", \"notes\": \"x\"}"u8]),
        ("invalid UTF-8 outside strings", [0xEF, 0xBB, 0xBF, 0xFE, .. "{}"u8]),
        ("lone high surrogate escape", "{\"name\": \"a\\ud800b\", \"notes\": \"\\ud800\", \"status\": \"pending\"}"u8.ToArray()),
        ("lone low surrogate escape", "{\"notes\": \"\\udc00\"}"u8.ToArray()),
        ("lone surrogate in a member name", "{\"\\ud800\": 1}"u8.ToArray()),
        ("deep nesting", Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000))),
        ("deep nesting of objects", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100))),
        ("duplicate members", "{\"notes\": \"a\", \"notes\": \"b\"}"u8.ToArray()),
        ("duplicate nested members", "{\"settings\": {\"timezone\": \"UTC\", \"timezone\": \"Europe/Oslo\"}}"u8.ToArray()),
        ("truncated", "{\"notes\": \"a"u8.ToArray()),
    ];

    /// <summary>Values put into every member the endpoint's OpenAPI schema declares (and into a few common names).</summary>
    private static readonly JsonNode?[] HostileValues =
    [
        null, 12345678901234567890.0, -1, true, "", new string('x', 1_000_000), "\u0000", new JsonArray(1, "x", null),
        new JsonObject { ["a"] = new JsonArray() }, "not-a-uuid", "9999-99-99", "00000000-0000-0000-0000-000000000000",
    ];

    private static readonly string[] RawBodies = ["", "null", "[]", "42", "\"text\"", "{}", "true"];

    private async Task<List<(string Method, string Path, string Template)>> WriteEndpointsAsync(Org org, Guid assignment)
    {
        var ids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["orgId"] = org.Id.ToString(), ["personId"] = org.MentorA.ToString(), ["mentorId"] = org.MentorA.ToString(),
            ["chapterId"] = org.ChapterA.ToString(), ["contactId"] = org.ContactA.ToString(), ["assignmentId"] = assignment.ToString(),
            ["token"] = "fuzz-device-token", ["name"] = "reconciliation",
        };
        var endpoints = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [])
                .Intersect(WriteMethods).Select(m => (Method: m, e.RoutePattern))).ToList();
        Assert.True(endpoints.Count >= 20, $"Only {endpoints.Count} write endpoints found");
        await Task.CompletedTask;
        return endpoints.Select(e => (e.Method, Fill(e.RoutePattern, q => ids.GetValueOrDefault(q, Guid.NewGuid().ToString())),
            Fill(e.RoutePattern, q => $"{{{q}}}"))).ToList();
    }

    /// <summary>The path of a route with its parameters filled in ("{name}" gives the template the OpenAPI document uses).</summary>
    private static string Fill(Microsoft.AspNetCore.Routing.Patterns.RoutePattern route, Func<string, string> parameter) =>
        "/" + string.Join('/', route.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart l => l.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart q => parameter(q.Name),
            _ => "",
        }))));

    private HttpClient ClientFor(Org org, string path) => path == "/api/v1/organizations" ? server.AsSystemAdmin() : server.As(org.Admin);

    private static HttpRequestMessage Request(string method, string path, byte[] body) => new(new HttpMethod(method), path)
    {
        Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } },
    };

    [Fact]
    public async Task EveryWriteEndpoint_MalformedText_Is400AndChangesNothing()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var assignment = (await server.As(org.Admin).CreateAsync(org.MentorA, org.ContactA)).Id;
        var before = await StateAsync(server.Worker);
        foreach (var (method, path, template) in await WriteEndpointsAsync(org, assignment))
            foreach (var (name, body) in MalformedText)
            {
                var response = await ClientFor(org, path).SendAsync(Request(method, path, body));
                var text = await response.Content.ReadAsStringAsync();
                Assert.True((int)response.StatusCode == 400 && text.Contains("\"malformed_request\""),
                    $"{method} {template} with {name}: {(int)response.StatusCode} {text[..Math.Min(300, text.Length)]}");
            }
        Assert.Equal(before, await StateAsync(server.Worker));
    }

    [Fact]
    public async Task EveryWriteEndpoint_WrongShapesAndHugeValues_NeverAnswer5xx()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var assignment = (await server.As(org.Admin).CreateAsync(org.MentorA, org.ContactA)).Id;
        var schemas = await RequestMembersAsync();
        foreach (var (method, path, template) in await WriteEndpointsAsync(org, assignment))
        {
            var members = schemas.GetValueOrDefault($"{method} {template}") ?? [];
            var bodies = RawBodies.Concat(HostileValues.Select(v =>
                new JsonObject(members.Concat(["name", "notes", "status", "reason"]).Distinct()
                    .Select(m => KeyValuePair.Create(m, v?.DeepClone()))).ToJsonString()));
            foreach (var body in bodies)
            {
                var response = await ClientFor(org, path).SendAsync(Request(method, path, Encoding.UTF8.GetBytes(body)));
                Assert.True((int)response.StatusCode < 500, $"{method} {template}: {(int)response.StatusCode}"); // NoServerErrors says more
            }
        }
    }

    [Theory]
    [InlineData("DELETE", "/api/v1/me/devices/%ED%A0%80")]
    [InlineData("DELETE", "/api/v1/me/devices/%FF%FE")]
    [InlineData("DELETE", "/api/v1/me/devices/a%00b")]
    [InlineData("GET", "/api/v1/assignments?status=%FF&cursor=%ED%A0%80")]
    [InlineData("GET", "/api/v1/jobs/runs?job=%ED%A0%80&cursor=%00")]
    [InlineData("GET", "/api/v1/jobs/discrepancies?state=%FF&cursor=AAAA")]
    [InlineData("GET", "/api/v1/events?topics=%ED%A0%80")]
    [InlineData("POST", "/api/v1/jobs/%ED%A0%80/run")]
    public async Task HostileText_InPathOrQuery_NeverAnswers5xx(string method, string url)
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var response = await server.As(org.Admin).SendAsync(new HttpRequestMessage(new HttpMethod(method), url));
        Assert.InRange((int)response.StatusCode, 400, 499);
    }

    [Fact]
    public async Task LoneSurrogateReachingPostgreSql_MapsTo400AndThePoolStaysUsable()
    {
        await using var app = NpgsqlDataSource.Create(server.Database.Application);
        var failure = await Record.ExceptionAsync(async () =>
        {
            await using var conn = await app.OpenConnectionAsync();
            await conn.ExecuteScalarAsync<string>("SELECT @text::text", new { text = "a\ud800b" });
        });
        Assert.NotNull(failure);
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var http = new DefaultHttpContext { Response = { Body = new MemoryStream() }, RequestServices = services };
        Assert.True(await new ProblemMapping(NullLogger<ProblemMapping>.Instance).TryHandleAsync(http, failure, CancellationToken.None));
        Assert.True(http.Response.StatusCode == 400, $"{failure.GetType()}: {failure.Message} → {http.Response.StatusCode}");
        await using var again = await app.OpenConnectionAsync();
        Assert.Equal("ok", await again.ExecuteScalarAsync<string>("SELECT 'ok'"));
    }

    /// <summary>The request body members of each operation, from the server's own OpenAPI document ("POST /api/v1/x" → names).</summary>
    private async Task<Dictionary<string, string[]>> RequestMembersAsync()
    {
        var doc = JsonNode.Parse(await server.Anonymous().GetStringAsync("/openapi/v1.json"))!;
        var result = new Dictionary<string, string[]>();
        foreach (var (path, item) in doc["paths"]!.AsObject())
            foreach (var (verb, op) in item!.AsObject())
            {
                var schema = op?["requestBody"]?["content"]?["application/json"]?["schema"];
                if (schema?["$ref"]?.GetValue<string>() is { } reference)
                    schema = doc["components"]!["schemas"]![reference.Split('/')[^1]];
                result[$"{verb.ToUpperInvariant()} {path}"] = schema?["properties"]?.AsObject().Select(p => p.Key).ToArray() ?? [];
            }
        return result;
    }

    /// <summary>A fingerprint of every table a write could change.</summary>
    private static async Task<string> StateAsync(NpgsqlDataSource worker)
    {
        await using var conn = await worker.OpenConnectionAsync();
        var tables = new[]
        {
            "organizations", "chapters", "people", "chapter_memberships", "peer_mentors", "contacts", "assignments", "assignment_activities",
            "devices", "notification_preferences", "change_events", "job_runs", "pause_records", "outbox", "mentor_status_log", "notifications",
        };
        var sql = "SELECT " + string.Join(" || '|' || ", tables.Select(t =>
            $"(SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM {t} x)"));
        return await conn.ExecuteScalarAsync<string>(sql) ?? "";
    }
}
