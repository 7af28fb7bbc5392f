using System.Text.Json;
using Likeperson.Assignments;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Assignments;

public sealed class AssignmentCreateTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly World _world = new(server.Worker);

    [Fact]
    public async Task Create_ByCoordinatorOfContactsChapter_Returns201WithTheFullAssignment()
    {
        var org = await _world.StandardOrgAsync();
        var response = await server.As(org.CoordinatorA).PostJsonAsync("/api/v1/assignments",
            new { peer_mentor_id = org.MentorA, contact_id = org.ContactA, notes = "  Referred by the eye clinic.  " });
        var text = await response.Content.ReadAsStringAsync();
        var a = await response.ReadAsync<AssignmentResponse>(201);

        Assert.Equal($"/api/v1/assignments/{a.Id}", response.Headers.Location?.ToString());
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal((org.MentorA, org.ContactA, org.Id), (a.PeerMentorId, a.ContactId, a.OrganizationId));
        Assert.Equal(AssignmentStatus.Open, a.Status);
        Assert.Equal(1, a.MentorAssignmentSequence);
        Assert.Equal(org.CoordinatorA, a.CreatedBy);
        Assert.Equal("Referred by the eye clinic.", a.Notes);
        Assert.Null(a.LastContactDate);
        Assert.Null(a.ClosedAt);
        Assert.Null(a.ClosedBy);
        Assert.Null(a.HonorariumThresholdTriggered); // the organisation has no honorarium thresholds
        Assert.Equal(1, a.Version);

        var json = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.Equal(["closed_at", "closed_by", "contact_id", "created_at", "created_by", "honorarium_threshold_triggered", "id",
            "last_contact_date", "mentor_assignment_sequence", "notes", "organization_id", "peer_mentor_id", "status", "version"],
            json.EnumerateObject().Select(p => p.Name).Order());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", json.GetProperty("created_at").GetString());
        Assert.Equal(text, await (await server.As(org.CoordinatorA).GetAsync($"/api/v1/assignments/{a.Id}")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Create_ByOrgAdminAsPending_CountsTheMentorsEarlierAssignmentsAcrossChapters()
    {
        var org = await _world.StandardOrgAsync();
        var first = await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA);
        var second = await server.As(org.Admin).CreateAsync(org.MentorA, org.ContactB, status: "pending");
        var other = await server.As(org.CoordinatorA).CreateAsync(org.MentorA2, org.ContactA);

        Assert.Equal((1, 2, 1), (first.MentorAssignmentSequence, second.MentorAssignmentSequence, other.MentorAssignmentSequence));
        Assert.Equal(AssignmentStatus.Pending, second.Status);
        Assert.Equal(org.Admin, second.CreatedBy);
    }

    [Theory]
    [InlineData("paused")]
    [InlineData("pending_reactivation")]
    [InlineData("inactive")]
    public async Task Create_MentorNotActive_Is422PeerMentorNotActiveAndWritesNothing(string status)
    {
        var org = await _world.StandardOrgAsync();
        await server.Worker.SetMentorStatusAsync(org.MentorA, status);

        var response = await server.As(org.CoordinatorA).PostJsonAsync("/api/v1/assignments",
            new { peer_mentor_id = org.MentorA, contact_id = org.ContactA });

        var problem = await response.ProblemAsync(422, "peer_mentor_not_active");
        Assert.Contains(status, problem.GetProperty("detail").GetString());
        Assert.Empty(await server.Worker.EventsAsync(org.Id));
        await server.Worker.SetMentorStatusAsync(org.MentorA, "active");
        Assert.Equal(1, (await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA)).MentorAssignmentSequence);
    }

    [Fact]
    public async Task Create_MentorOrContactOfAnotherOrganisation_Is404LikeARandomId()
    {
        var org = await _world.StandardOrgAsync();
        var other = await _world.StandardOrgAsync();
        async Task<string> NotFound(object body) =>
            (await (await server.As(org.Admin).PostJsonAsync("/api/v1/assignments", body)).ProblemAsync(404, "not_found")).GetProperty("detail").GetString()!;

        Assert.Equal(await NotFound(new { peer_mentor_id = Guid.NewGuid(), contact_id = org.ContactA }),
            await NotFound(new { peer_mentor_id = other.MentorA, contact_id = org.ContactA }));
        Assert.Equal(await NotFound(new { peer_mentor_id = org.MentorA, contact_id = Guid.NewGuid() }),
            await NotFound(new { peer_mentor_id = org.MentorA, contact_id = other.ContactA }));
        Assert.Empty(await server.Worker.EventsAsync(org.Id));
        Assert.Empty(await server.Worker.EventsAsync(other.Id));
    }

    [Fact]
    public async Task Create_MissingIds_AreReportedTogetherAs422()
    {
        var org = await _world.StandardOrgAsync();
        var response = await server.As(org.CoordinatorA).PostJsonAsync("/api/v1/assignments", new { notes = "x" });
        var errors = (await response.ProblemAsync(422, "validation_failed")).GetProperty("errors");
        Assert.Equal(["contact_id", "peer_mentor_id"], errors.EnumerateObject().Select(p => p.Name).Order());
    }

    /// <summary>assignment_create judges the status and the notes' length (one rule, in SQL), naming the field.</summary>
    [Theory]
    [InlineData("status")]
    [InlineData("notes")]
    public async Task Create_InvalidStatusOrNotes_Is422NamingTheField(string field)
    {
        var org = await _world.StandardOrgAsync();
        var response = await server.As(org.CoordinatorA).PostJsonAsync("/api/v1/assignments", field == "status"
            ? new { peer_mentor_id = org.MentorA, contact_id = org.ContactA, status = "completed", notes = (string?)null }
            : new { peer_mentor_id = org.MentorA, contact_id = org.ContactA, status = "open", notes = (string?)AssignmentHelpers.Text(2001) });
        var errors = (await response.ProblemAsync(422, "validation_failed")).GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Create_NotesOfExactly2000Characters_AreAccepted()
    {
        var org = await _world.StandardOrgAsync();
        var a = await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA, notes: AssignmentHelpers.Text(2000));
        Assert.Equal(2000, a.Notes!.Length);
    }

    [Theory]
    [InlineData("""{"peer_mentor_id": "00000000-0000-0000-0000-000000000001", "contact_id": "00000000-0000-0000-0000-000000000002", "status": "closed"}""")]
    [InlineData("""{"peer_mentor_id": 12, "contact_id": "00000000-0000-0000-0000-000000000002"}""")]
    [InlineData("""{"peer_mentor_id": """)]
    public async Task Create_MalformedBody_Is400(string json)
    {
        var org = await _world.StandardOrgAsync();
        await (await server.As(org.CoordinatorA).PostRawAsync("/api/v1/assignments", json)).ProblemAsync(400, "malformed_request");
    }

    [Fact]
    public async Task Create_OutsideTheCallersScope_Is404AndForTheMentorThemself403()
    {
        var org = await _world.StandardOrgAsync();
        var other = await _world.StandardOrgAsync();
        await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA);
        async Task<HttpResponseMessage> Post(Guid caller, Guid mentor, Guid contact) =>
            await server.As(caller).PostJsonAsync("/api/v1/assignments", new { peer_mentor_id = mentor, contact_id = contact });

        await (await Post(org.CoordinatorB, org.MentorA, org.ContactA)).ProblemAsync(404, "not_found");   // another chapter's contact
        await (await Post(org.CoordinatorA, org.MentorB, org.ContactA)).ProblemAsync(404, "not_found");   // a mentor they do not supervise
        await (await Post(other.Admin, org.MentorA, org.ContactA)).ProblemAsync(404, "not_found");        // another organisation
        await (await Post(org.Admin, org.MentorA, Guid.NewGuid())).ProblemAsync(404, "not_found");        // no such contact
        await (await Post(org.Admin, Guid.NewGuid(), org.ContactA)).ProblemAsync(404, "not_found");       // no such mentor
        await (await Post(org.MentorA2, org.MentorA2, org.ContactA)).ProblemAsync(404, "not_found");      // a contact the mentor cannot see
        await (await Post(org.MentorA, org.MentorA, org.ContactA)).ProblemAsync(403, "forbidden");        // sees the contact, may not assign
    }

    [Fact]
    public async Task Create_HonorariumThresholds_RecordEachMilestoneOnceAndQueueItsNotification()
    {
        var org = await _world.StandardOrgAsync(honorariumThresholds: [3, 15]);
        var created = new List<AssignmentResponse>();
        for (var i = 0; i < 16; i++)
            created.Add(await server.As(i % 2 == 0 ? org.CoordinatorA : org.Admin).CreateAsync(org.MentorA, i % 2 == 0 ? org.ContactA : org.ContactB));

        Assert.Equal(Enumerable.Range(1, 16), created.Select(a => a.MentorAssignmentSequence));
        foreach (var a in created)
        {
            var expected = a.MentorAssignmentSequence is 3 or 15 ? new[] { $"threshold_{a.MentorAssignmentSequence}" } : [];
            Assert.Equal(expected, a.HonorariumThresholdTriggered!.Keys);
            if (expected.Length == 1) Assert.Equal(a.CreatedAt, a.HonorariumThresholdTriggered[expected[0]]);
        }
        var outbox = await server.Worker.OutboxAsync(org.Id, "honorarium_threshold_reached");
        Assert.Equal([3, 15], outbox.Select(o => o.GetProperty("threshold").GetInt32()));
        var third = outbox[0];
        Assert.Equal(created[2].Id, third.GetProperty("assignment_id").GetGuid());
        Assert.Equal(org.MentorA, third.GetProperty("mentor_id").GetGuid());
        Assert.Equal("Mentor A", third.GetProperty("mentor_display_name").GetString());
        Assert.Equal(org.ChapterA, third.GetProperty("chapter_id").GetGuid());
        Assert.Equal(3, third.GetProperty("sequence").GetInt32());
        Assert.Equal(org.CoordinatorA, third.GetProperty("actor_id").GetGuid()); // the third was created by the coordinator (i = 2)
        Assert.Equal(created[2].CreatedAt, third.GetProperty("occurred_at").GetDateTime().ToUniversalTime());
    }
}
