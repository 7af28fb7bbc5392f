using System.Net;
using System.Text.Json;
using Dapper;
using Likeperson.Tests.Infrastructure;
using Likeperson.Tests.Mentors;
using Npgsql;

namespace Likeperson.Tests.Web;

/// <summary>
/// `GET /api/v1/roster/paused?sort=` and the roster page's sort: overdue first, then pause start (newest first), expected
/// return (soonest first, none last) or name, each paged by its own cursor without a mentor lost or repeated.
/// </summary>
public sealed class RosterSortTests(TestServer server) : IClassFixture<TestServer>
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>Five paused mentors of chapter A, paused in the order of the list; Cy's and Eli's returns are overdue.</summary>
    private async Task<(Org Org, Dictionary<string, Guid> Mentors)> ArrangeAsync()
    {
        var world = new World(server.Worker);
        var org = await world.StandardOrgAsync();
        var mentors = new Dictionary<string, Guid>();
        (string Name, int? Back)[] plan = [("Ada", 10), ("Bo", null), ("Cy", -2), ("Dag", 3), ("Eli", -5)];
        await using var owner = new NpgsqlConnection(server.Database.Owner);
        await owner.OpenAsync();
        foreach (var (name, back) in plan)
        {
            var id = await world.PersonAsync(org.Id, name, mentorIn: [org.ChapterA], certificationExpiresAt: Today.AddYears(1));
            (await server.As(id).TransitionAsync(id, "pause", new { reason = name })).EnsureSuccessStatusCode();
            if (back is { } days) // time passing: the return date moves where the case needs it
                await owner.ExecuteAsync("UPDATE pause_records SET expected_return_date = @d WHERE mentor_id = @id AND status = 'paused'",
                    new { d = Today.AddDays(days), id });
            mentors[name] = id;
            await Task.Delay(5); // distinct pause starts
        }
        return (org, mentors);
    }

    private async Task<List<string>> WalkAsync(Guid caller, string sort)
    {
        using var client = server.As(caller);
        var names = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await client.GetAsync($"/api/v1/roster/paused?limit=2&sort={sort}" + (cursor is null ? "" : $"&cursor={cursor}")))
                .ReadAsync<JsonElement>();
            names.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("display_name").GetString()!));
            cursor = page.GetProperty("next_cursor").GetString();
        } while (cursor is not null);
        return names;
    }

    [Theory]
    [InlineData("paused_since", "Eli,Cy,Dag,Bo,Ada")]
    [InlineData("expected_return", "Eli,Cy,Dag,Ada,Bo")]
    [InlineData("name", "Cy,Eli,Ada,Bo,Dag")]
    public async Task Roster_Sorted_OverdueFirstThenTheSortAcrossPages(string sort, string expected)
    {
        var (org, _) = await ArrangeAsync();
        Assert.Equal(expected, string.Join(",", await WalkAsync(org.CoordinatorA, sort)));
        Assert.Equal(expected, string.Join(",", await WalkAsync(org.Admin, sort)));
    }

    [Fact]
    public async Task Roster_UnknownSortOrACursorOfAnotherSort_Is400()
    {
        var (org, _) = await ArrangeAsync();
        using var client = server.As(org.CoordinatorA);
        var unknown = await client.GetAsync("/api/v1/roster/paused?sort=age");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var byName = await (await client.GetAsync("/api/v1/roster/paused?limit=2&sort=name")).ReadAsync<JsonElement>();
        var mixed = await client.GetAsync($"/api/v1/roster/paused?limit=2&sort=expected_return&cursor={byName.GetProperty("next_cursor").GetString()}");
        Assert.Equal(HttpStatusCode.BadRequest, mixed.StatusCode);
    }

    [Fact]
    public async Task RosterPage_SortByName_ListsOverdueFirstThenByName()
    {
        var (org, _) = await ArrangeAsync();
        var browser = await WebSignIn.AsAsync(server, org.CoordinatorA);
        var html = WebUtility.HtmlDecode(await (await browser.GetAsync("/roster?sort=name")).Content.ReadAsStringAsync());

        var order = new[] { "Cy", "Eli", "Ada", "Bo", "Dag" }.Select(n => html.IndexOf($">{n}</a>", StringComparison.Ordinal)).ToList();
        Assert.All(order, i => Assert.True(i > 0));
        Assert.Equal(order.OrderBy(i => i), order);
        Assert.Contains("<option value=\"name\" selected=\"selected\">Name</option>", html);
    }
}
