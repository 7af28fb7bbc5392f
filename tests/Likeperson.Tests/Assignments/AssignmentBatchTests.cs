using System.Text.Json;
using Dapper;
using Likeperson.Assignments;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Assignments;

/// <summary>`POST /assignments/batch`: all or nothing, exactly as if the items were created one by one, in order.</summary>
public sealed class AssignmentBatchTests(TestServer server) : IClassFixture<TestServer>
{
    private const string Batch = "/api/v1/assignments/batch";
    private readonly World _world = new(server.Worker);

    private static object Item(Guid mentor, Guid contact, string? status = null, string? notes = null) =>
        new { peer_mentor_id = mentor, contact_id = contact, status, notes };

    private Task<HttpResponseMessage> PostAsync(Guid caller, params object[] items) =>
        server.As(caller).PostJsonAsync(Batch, new { items });

    /// <summary>What a refused batch must leave exactly as it was: the organisation's assignments, events and outbox.</summary>
    private async Task<(long, long, long)> StateAsync(Guid org)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return await conn.QuerySingleAsync<(long, long, long)>("""
            SELECT (SELECT count(*) FROM assignments WHERE organization_id = @org), (SELECT count(*) FROM change_events WHERE organization_id = @org),
                   (SELECT count(*) FROM outbox WHERE organization_id = @org)
            """, new { org });
    }

    private static string[] ErrorFields(JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray();

    [Fact]
    public async Task Batch_SameMentorTwiceAndAMilestone_ConsecutiveSequencesOneMilestoneAndEventsInOrder()
    {
        var org = await _world.StandardOrgAsync(honorariumThresholds: [3]);
        await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA);

        var response = await PostAsync(org.CoordinatorA, Item(org.MentorA, org.ContactA), Item(org.MentorA2, org.ContactA, "pending", "  Second  "),
            Item(org.MentorA, org.ContactA), Item(org.MentorA, org.ContactA));
        var text = await response.Content.ReadAsStringAsync();
        var created = (await response.ReadAsync<CreatedAssignments>(201)).Items;

        Assert.Equal([2, 1, 3, 4], created.Select(a => a.MentorAssignmentSequence));
        Assert.Equal([org.MentorA, org.MentorA2, org.MentorA, org.MentorA], created.Select(a => a.PeerMentorId));
        Assert.Equal((AssignmentStatus.Pending, "Second"), (created[1].Status, created[1].Notes));
        Assert.All(created, a => Assert.Equal(org.CoordinatorA, a.CreatedBy));
        Assert.Equal([false, false, true, false], created.Select(a => a.HonorariumThresholdTriggered!.ContainsKey("threshold_3")));
        var milestone = Assert.Single(await server.Worker.OutboxAsync(org.Id, "honorarium_threshold_reached"));
        Assert.Equal(created[2].Id, milestone.GetProperty("assignment_id").GetGuid());

        var events = (await server.Worker.EventsAsync(org.Id)).Skip(1).ToList(); // after the single create's
        Assert.Equal(created.Select(a => ("assignment.created", a.Id)), events.Select(e => (e.Type, e.Payload.GetProperty("id").GetGuid())));
        // Each item is byte for byte what GET /assignments/{id} (and its event) gives.
        var items = JsonDocument.Parse(text).RootElement.GetProperty("items").EnumerateArray().ToList();
        for (var i = 0; i < created.Count; i++)
        {
            Assert.Equal(await (await server.As(org.Admin).GetAsync($"/api/v1/assignments/{created[i].Id}")).Content.ReadAsStringAsync(),
                items[i].GetRawText());
            Assert.Equal(JsonSerializer.Serialize(events[i].Payload), JsonSerializer.Serialize(items[i]));
        }
    }

    [Fact]
    public async Task Batch_MentorsNotActive_Is422NamingEveryFailingItemAndChangesNothing()
    {
        var org = await _world.StandardOrgAsync(honorariumThresholds: [1]);
        await server.Worker.SetMentorStatusAsync(org.MentorA2, "paused");
        await server.Worker.SetMentorStatusAsync(org.MentorB, "inactive");
        var before = await StateAsync(org.Id);

        var response = await PostAsync(org.Admin, Item(org.MentorA, org.ContactA), Item(org.MentorA2, org.ContactA), Item(org.MentorA, org.ContactB),
            Item(org.MentorB, org.ContactB));

        var problem = await response.ProblemAsync(422, "peer_mentor_not_active");
        Assert.Equal(["items[1].peer_mentor_id", "items[3].peer_mentor_id"], ErrorFields(problem));
        Assert.Contains("paused", problem.GetProperty("errors").GetProperty("items[1].peer_mentor_id")[0].GetString());
        Assert.Contains("inactive", problem.GetProperty("errors").GetProperty("items[3].peer_mentor_id")[0].GetString());
        Assert.Contains("2 of 4", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await StateAsync(org.Id));
        // Nothing was used up: the mentor's first assignment is still number 1 and still the milestone.
        var first = await server.As(org.Admin).CreateAsync(org.MentorA, org.ContactA);
        Assert.Equal(1, first.MentorAssignmentSequence);
        Assert.True(first.HonorariumThresholdTriggered!.ContainsKey("threshold_1"));
    }

    [Fact]
    public async Task Batch_UnknownOrOtherOrganisationsContactOrMentor_Is404PerItemAndChangesNothing()
    {
        var org = await _world.StandardOrgAsync();
        var other = await _world.StandardOrgAsync();
        var before = (await StateAsync(org.Id), await StateAsync(other.Id));

        var response = await PostAsync(org.Admin, Item(org.MentorA, Guid.NewGuid()), Item(org.MentorA, org.ContactA),
            Item(org.MentorA, other.ContactA), Item(other.MentorA, org.ContactA), Item(Guid.NewGuid(), org.ContactB));

        var problem = await response.ProblemAsync(404, "not_found");
        Assert.Equal(["items[0].contact_id", "items[2].contact_id", "items[3].peer_mentor_id", "items[4].peer_mentor_id"], ErrorFields(problem));
        var errors = problem.GetProperty("errors");
        Assert.Equal(errors.GetProperty("items[0].contact_id")[0].GetString(), errors.GetProperty("items[2].contact_id")[0].GetString());
        Assert.Equal(errors.GetProperty("items[3].peer_mentor_id")[0].GetString(), errors.GetProperty("items[4].peer_mentor_id")[0].GetString());
        Assert.Equal(before, (await StateAsync(org.Id), await StateAsync(other.Id)));
    }

    [Fact]
    public async Task Batch_MixedRefusals_TakeTheFirstFailingItemsStatusAndNameAll()
    {
        var org = await _world.StandardOrgAsync();
        var before = await StateAsync(org.Id);

        var response = await PostAsync(org.CoordinatorA, Item(org.MentorA, org.ContactA), Item(org.MentorA, org.ContactA, "completed"),
            Item(org.MentorA, org.ContactA, notes: AssignmentHelpers.Text(2001)), Item(org.MentorA, org.ContactB));

        var problem = await response.ProblemAsync(422, "validation_failed");
        Assert.Equal(["items[1].status", "items[2].notes", "items[3].contact_id"], ErrorFields(problem));
        Assert.Equal(before, await StateAsync(org.Id));
    }

    [Fact]
    public async Task Batch_WrongRoles_AreRefusedAndChangeNothing()
    {
        var org = await _world.StandardOrgAsync();
        await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA); // the mentor now sees Contact A
        var before = await StateAsync(org.Id);

        await (await PostAsync(org.MentorA, Item(org.MentorA, org.ContactA))).ProblemAsync(403, "forbidden");
        // A coordinator of chapter B neither sees chapter A's contact nor supervises chapter A's mentor.
        var problem = await (await PostAsync(org.CoordinatorB, Item(org.MentorB, org.ContactB), Item(org.MentorA, org.ContactB),
            Item(org.MentorB, org.ContactA))).ProblemAsync(404, "not_found");
        Assert.Equal(["items[1].peer_mentor_id", "items[2].contact_id"], ErrorFields(problem));
        Assert.Equal(before, await StateAsync(org.Id));
    }

    [Theory]
    [InlineData("""{"items": []}""", 422, "validation_failed", "items")]
    [InlineData("""{}""", 422, "validation_failed", "items")]
    [InlineData("""{"items": [{"contact_id": "00000000-0000-0000-0000-000000000001"}, {}]}""", 422, "validation_failed",
        "items[0].peer_mentor_id,items[1].contact_id,items[1].peer_mentor_id")]
    [InlineData("""{"items": [1]}""", 400, "malformed_request", null)]
    [InlineData("""{"items": [null]}""", 400, "malformed_request", null)]
    [InlineData("""{"items": {}}""", 400, "malformed_request", null)]
    [InlineData("""{"items": [{"peer_mentor_id": "00000000-0000-0000-0000-000000000001", "contact_id": "00000000-0000-0000-0000-000000000001", "status": "closed"}]}""",
        400, "malformed_request", null)]
    public async Task Batch_BadShape_IsRefusedWithoutAServerError(string body, int status, string code, string? fields)
    {
        var org = await _world.StandardOrgAsync();
        var problem = await (await server.As(org.CoordinatorA).PostRawAsync(Batch, body)).ProblemAsync(status, code);
        if (fields is not null) Assert.Equal(fields.Split(','), ErrorFields(problem));
        Assert.Equal((0L, 0L, 0L), await StateAsync(org.Id));
    }

    [Fact]
    public async Task Batch_501Items_Is422AndChangesNothing_500AreCreated()
    {
        var org = await _world.StandardOrgAsync();
        var items = Enumerable.Range(0, 501).Select(i => Item(i % 2 == 0 ? org.MentorA : org.MentorA2, org.ContactA)).ToArray();

        var problem = await (await PostAsync(org.CoordinatorA, items)).ProblemAsync(422, "validation_failed");
        Assert.Equal(["items"], ErrorFields(problem));
        Assert.Equal((0L, 0L, 0L), await StateAsync(org.Id));

        var created = (await (await PostAsync(org.CoordinatorA, items[..500])).ReadAsync<CreatedAssignments>(201)).Items;
        Assert.Equal(Enumerable.Range(1, 250), created.Where(a => a.PeerMentorId == org.MentorA).Select(a => a.MentorAssignmentSequence));
        Assert.Equal(Enumerable.Range(1, 250), created.Where(a => a.PeerMentorId == org.MentorA2).Select(a => a.MentorAssignmentSequence));
    }

    [Fact]
    public async Task Batch_InParallelWithSingleCreatesForOneMentor_GapFreeUniqueSequencesEachBatchConsecutive()
    {
        var org = await _world.StandardOrgAsync(honorariumThresholds: [3, 15, 40]);
        var batch = Enumerable.Range(0, 15).Select(_ => Item(org.MentorA, org.ContactA)).ToArray();
        var gate = new TaskCompletionSource();
        async Task<IReadOnlyList<AssignmentResponse>> Batched(Guid caller)
        {
            await gate.Task;
            return (await (await PostAsync(caller, batch)).ReadAsync<CreatedAssignments>(201)).Items;
        }
        async Task<IReadOnlyList<AssignmentResponse>> Single(int i)
        {
            await gate.Task;
            return [await server.As(i % 2 == 0 ? org.CoordinatorA : org.Admin).CreateAsync(org.MentorA, org.ContactA)];
        }
        var work = new[] { Batched(org.CoordinatorA), Batched(org.Admin) }.Concat(Enumerable.Range(0, 20).Select(Single)).ToList();
        gate.SetResult();
        var results = await Task.WhenAll(work);

        var sequences = results.SelectMany(r => r.Select(a => a.MentorAssignmentSequence)).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 50), sequences);
        foreach (var b in results.Take(2))
            Assert.Equal(Enumerable.Range(b[0].MentorAssignmentSequence, 15), b.Select(a => a.MentorAssignmentSequence));
        var outbox = await server.Worker.OutboxAsync(org.Id, "honorarium_threshold_reached");
        Assert.Equal([3, 15, 40], outbox.Select(o => o.GetProperty("threshold").GetInt32()));
        Assert.Equal(50, (await server.Worker.EventsAsync(org.Id)).Count(e => e.Type == "assignment.created"));
    }

    /// <summary>ProblemMapping reads both forms of an LP error's field errors: one field in HINT, or several as JSON.</summary>
    [Fact]
    public async Task ProblemMapping_LpErrorWithOneOrSeveralFieldErrors_MapsEach()
    {
        // The server's own data source: it keeps error details (DETAIL), as the application's connections do.
        await using var conn = await server.Services.GetRequiredService<Likeperson.Database.Db>().Worker.OpenConnectionAsync();
        async Task<Problem> Raised(string hint) => ProblemMapping.Map(await Assert.ThrowsAsync<Npgsql.PostgresException>(() => conn.ExecuteAsync(
            $"DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', DETAIL = 'Bad.', HINT = '{hint}'; END $$")));

        var one = await Raised("notes");
        Assert.Equal((422, "validation_failed", "Bad."), (one.Status, one.Code, one.Detail));
        Assert.Equal(["Bad."], one.Errors!["notes"]);
        var several = await Raised("""{"errors": {"items[0].notes": ["Too long."], "items[2].status": ["No."]}, "codes": {"items[0].notes": "validation_failed"}}""");
        Assert.Equal(["items[0].notes", "items[2].status"], several.Errors!.Keys.Order());
        Assert.Equal(["Too long."], several.Errors["items[0].notes"]);
    }
}
