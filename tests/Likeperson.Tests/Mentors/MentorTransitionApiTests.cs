using Likeperson.Mentors;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Mentors;

/// <summary>The transitions through HTTP: every transition from every status, by every role, and the request rules.</summary>
public sealed class MentorTransitionApiTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly World _world = new(server.Worker);

    // status before, transition, status after (null: 409 invalid_transition). Acting: the org admin.
    public static TheoryData<string, string, string?> Matrix => new()
    {
        { "active", "pause", "paused" }, { "active", "reactivate", null }, { "active", "acknowledge", null },
        { "active", "hold", null }, { "active", "deactivate", "inactive" },
        { "paused", "pause", null }, { "paused", "reactivate", "active" }, { "paused", "acknowledge", null },
        { "paused", "hold", null }, { "paused", "deactivate", "inactive" },
        { "pending_reactivation", "pause", null }, { "pending_reactivation", "reactivate", null },
        { "pending_reactivation", "acknowledge", "active" }, { "pending_reactivation", "hold", "paused" },
        { "pending_reactivation", "deactivate", "inactive" },
        { "inactive", "pause", null }, { "inactive", "reactivate", null }, { "inactive", "acknowledge", null },
        { "inactive", "hold", null }, { "inactive", "deactivate", null },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task EveryTransition_FromEveryStatus(string from, string transition, string? to)
    {
        var org = await _world.StandardOrgAsync(requireAck: true);
        await server.BringToAsync(org, org.MentorA, from);
        var before = await server.Worker.StateAsync(org.MentorA);
        var response = await server.As(org.Admin).TransitionAsync(org.MentorA, transition);
        if (to is null)
        {
            await response.ProblemAsync(409, "invalid_transition");
            Assert.Equal(before, await server.Worker.StateAsync(org.MentorA));
        }
        else
        {
            var mentor = await response.ReadAsync<MentorResponse>();
            Assert.Equal(to, SnakeCase.Of(mentor.Status));
            Assert.Equal(before.Version + 1, mentor.Version);
            Assert.Equal($"\"{mentor.Version}\"", response.Headers.ETag?.Tag);
            Assert.Equal(to is "paused" or "pending_reactivation", mentor.CurrentPause is not null);
        }
        await server.Worker.AssertConsistentAsync(org.MentorA);
    }

    public enum Actor { Self, OwnCoordinator, OtherChapterCoordinator, OrgAdmin, OtherOrgAdmin, PeerInSameChapter, Stranger }

    // transition, the status it starts from, and who gets what.
    public static TheoryData<string, Actor, int> Roles()
    {
        var data = new TheoryData<string, Actor, int>();
        foreach (var transition in new[] { "pause", "reactivate", "acknowledge", "hold", "deactivate", "certification" })
            foreach (var actor in Enum.GetValues<Actor>())
                data.Add(transition, actor, actor switch
                {
                    Actor.Self => transition is "pause" or "reactivate" ? 200 : 403,
                    Actor.OwnCoordinator or Actor.OrgAdmin => 200,
                    _ => 404,
                });
        return data;
    }

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task WhoMayDoWhat(string transition, Actor actor, int expected)
    {
        var org = await _world.StandardOrgAsync(requireAck: true);
        var other = await _world.StandardOrgAsync();
        await server.BringToAsync(org, org.MentorA, transition switch
        {
            "reactivate" => "paused",
            "acknowledge" or "hold" => "pending_reactivation",
            _ => "active",
        });
        var before = await server.Worker.StateAsync(org.MentorA);
        var client = actor switch
        {
            Actor.Self => server.As(org.MentorA),
            Actor.OwnCoordinator => server.As(org.CoordinatorA),
            Actor.OtherChapterCoordinator => server.As(org.CoordinatorB),
            Actor.OrgAdmin => server.As(org.Admin),
            Actor.OtherOrgAdmin => server.As(other.Admin),
            Actor.PeerInSameChapter => server.As(org.MentorA2),
            _ => server.As(Guid.NewGuid()),
        };
        var response = await client.TransitionAsync(org.MentorA, transition);
        if (expected == 200)
        {
            await response.ReadAsync<MentorResponse>();
            Assert.Equal(before.Version + 1, (await server.Worker.StateAsync(org.MentorA)).Version);
        }
        else
        {
            await response.ProblemAsync(expected, expected == 403 ? "forbidden" : "not_found");
            Assert.Equal(before, await server.Worker.StateAsync(org.MentorA));
        }
    }

    [Fact]
    public async Task Unauthenticated_Is401()
    {
        var org = await _world.StandardOrgAsync();
        await (await server.Anonymous().TransitionAsync(org.MentorA, "pause")).ProblemAsync(401, "unauthorized");
    }

    [Fact]
    public async Task Pause_WithReasonAndDate_ShowsTheCurrentPause()
    {
        var org = await _world.StandardOrgAsync();
        var date = MentorHttp.Today.AddDays(14);
        var mentor = await (await server.As(org.MentorA).TransitionAsync(org.MentorA, "pause",
            new { reason = "  Surgery  ", expected_return_date = date })).ReadAsync<MentorResponse>();
        Assert.Equal(MentorStatus.Paused, mentor.Status);
        var pause = mentor.CurrentPause!;
        Assert.Equal((PauseRecordStatus.Paused, PauseKind.Voluntary, "Surgery", (DateOnly?)date, 0, (Guid?)null),
            (pause.Status, pause.Kind, pause.PauseReason, pause.ExpectedReturnDate, pause.DurationDays, pause.CoordinatorId));
        Assert.Equal(mentor.Version, (await server.As(org.CoordinatorA).GetMentorAsync(org.MentorA)).Version);
    }

    [Theory]
    [InlineData("""{"reason": "XXX"}""", "reason")]
    [InlineData("""{"expected_return_date": "YESTERDAY"}""", "expected_return_date")]
    public async Task Pause_BadReasonOrDate_Is422AndChangesNothing(string template, string field)
    {
        var org = await _world.StandardOrgAsync();
        var json = template.Replace("XXX", new string('r', 201)).Replace("YESTERDAY", MentorHttp.Today.AddDays(-2).ToString("yyyy-MM-dd"));
        var problem = await (await server.As(org.MentorA).PostRawAsync($"/api/v1/mentors/{org.MentorA}/pause", json))
            .ProblemAsync(422, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        await server.Worker.AssertConsistentAsync(org.MentorA);
        Assert.Equal("active", (await server.Worker.StateAsync(org.MentorA)).Status);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"expected_return_date": "next week"}""")]
    [InlineData("""{"reason": 42}""")]
    [InlineData("[]")]
    public async Task Pause_MalformedBody_Is400(string json)
    {
        var org = await _world.StandardOrgAsync();
        await (await server.As(org.MentorA).PostRawAsync($"/api/v1/mentors/{org.MentorA}/pause", json)).ProblemAsync(400, "malformed_request");
        Assert.Equal("active", (await server.Worker.StateAsync(org.MentorA)).Status);
    }

    [Fact]
    public async Task Pause_ReturnDateToday_AndBlankReason_AreAccepted()
    {
        var org = await _world.StandardOrgAsync();
        // "Today" in Oslo: the server judges it in the organisation's time zone.
        var osloToday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeBySystemTimeZoneId(DateTime.UtcNow, "Europe/Oslo"));
        var mentor = await (await server.As(org.CoordinatorA).TransitionAsync(org.MentorA, "pause",
            new { reason = "   ", expected_return_date = osloToday })).ReadAsync<MentorResponse>();
        Assert.Null(mentor.CurrentPause!.PauseReason);
        Assert.Equal(PauseKind.Coordinator, mentor.CurrentPause.Kind);
        Assert.Equal(org.CoordinatorA, mentor.CurrentPause.CoordinatorId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("""{}""")]
    [InlineData("""{"reason": "  "}""")]
    public async Task Deactivate_WithoutReason_Is422(string? json)
    {
        var org = await _world.StandardOrgAsync();
        var response = json is null
            ? await server.As(org.Admin).PostAsync($"/api/v1/mentors/{org.MentorA}/deactivate", null)
            : await server.As(org.Admin).PostRawAsync($"/api/v1/mentors/{org.MentorA}/deactivate", json);
        var problem = await response.ProblemAsync(422, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal("active", (await server.Worker.StateAsync(org.MentorA)).Status);
    }

    [Fact]
    public async Task Hold_WithTooLongReason_Is422()
    {
        var org = await _world.StandardOrgAsync(requireAck: true);
        await server.BringToAsync(org, org.MentorA, "pending_reactivation");
        await (await server.As(org.CoordinatorA).TransitionAsync(org.MentorA, "hold", new { reason = new string('h', 201) }))
            .ProblemAsync(422, "validation_failed");
        var mentor = await (await server.As(org.CoordinatorA).TransitionAsync(org.MentorA, "hold", new { reason = "Talk first" }))
            .ReadAsync<MentorResponse>();
        Assert.Equal(MentorStatus.Paused, mentor.Status);
        Assert.Equal("Talk first", (await server.Worker.LogAsync(org.MentorA))[^1].Reason);
    }

    [Theory]
    [InlineData(true, "mentor", MentorStatus.PendingReactivation)]
    [InlineData(true, "coordinator", MentorStatus.Active)]
    [InlineData(true, "admin", MentorStatus.Active)]
    [InlineData(false, "mentor", MentorStatus.Active)]
    [InlineData(false, "coordinator", MentorStatus.Active)]
    public async Task Reactivate_AcknowledgementSetting(bool requireAck, string who, MentorStatus expected)
    {
        var org = await _world.StandardOrgAsync(requireAck);
        await server.As(org.MentorA).TransitionAsync(org.MentorA, "pause");
        var actor = who switch { "mentor" => org.MentorA, "coordinator" => org.CoordinatorA, _ => org.Admin };
        var mentor = await (await server.As(actor).TransitionAsync(org.MentorA, "reactivate")).ReadAsync<MentorResponse>();
        Assert.Equal(expected, mentor.Status);
        Assert.Equal(expected == MentorStatus.PendingReactivation, mentor.CurrentPause is not null);
        var pause = Assert.Single(await server.Worker.PausesAsync(org.MentorA));
        Assert.Equal(expected == MentorStatus.PendingReactivation, pause.Live);
        await server.Worker.AssertConsistentAsync(org.MentorA);
    }

    [Fact]
    public async Task PendingMentor_TakesNoNewAssignments_UntilAcknowledged()
    {
        var org = await _world.StandardOrgAsync(requireAck: true);
        await server.BringToAsync(org, org.MentorA, "pending_reactivation");
        var coordinator = server.As(org.CoordinatorA);
        await (await coordinator.PostJsonAsync("/api/v1/assignments", new { peer_mentor_id = org.MentorA, contact_id = org.ContactA }))
            .ProblemAsync(422, "peer_mentor_not_active");
        var mentor = await (await coordinator.TransitionAsync(org.MentorA, "acknowledge")).ReadAsync<MentorResponse>();
        Assert.Equal(MentorStatus.Active, mentor.Status);
        var pause = Assert.Single(await server.Worker.PausesAsync(org.MentorA));
        Assert.Equal("active", pause.Status);
        Assert.NotNull(pause.ReactivatedAt);
        (await coordinator.PostJsonAsync("/api/v1/assignments", new { peer_mentor_id = org.MentorA, contact_id = org.ContactA })).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Reactivate_WithExpiredCertification_Is422_UntilRenewed()
    {
        var org = await _world.StandardOrgAsync();
        await server.As(org.MentorA).TransitionAsync(org.MentorA, "pause");
        var admin = server.As(org.Admin);
        var renewed = await (await admin.TransitionAsync(org.MentorA, "certification", new { expires_at = MentorHttp.Today.AddDays(-3) }))
            .ReadAsync<MentorResponse>();
        Assert.Equal(MentorHttp.Today.AddDays(-3), renewed.CertificationExpiresAt);
        await (await server.As(org.MentorA).TransitionAsync(org.MentorA, "reactivate")).ProblemAsync(422, "certification_expired");
        await (await admin.TransitionAsync(org.MentorA, "reactivate")).ProblemAsync(422, "certification_expired");
        Assert.Equal("paused", (await server.Worker.StateAsync(org.MentorA)).Status);
        await admin.TransitionAsync(org.MentorA, "certification", new { expires_at = MentorHttp.Today.AddYears(1) });
        Assert.Equal(MentorStatus.Active, (await (await server.As(org.MentorA).TransitionAsync(org.MentorA, "reactivate")).ReadAsync<MentorResponse>()).Status);
        await server.Worker.AssertConsistentAsync(org.MentorA, certificationChanges: 2);
    }

    [Fact]
    public async Task Certification_MissingOrMalformedDate_IsRefused()
    {
        var org = await _world.StandardOrgAsync();
        var admin = server.As(org.Admin);
        var response = await admin.PutAsync($"/api/v1/mentors/{org.MentorA}/certification",
            new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        await response.ProblemAsync(422, "validation_failed");
        response = await admin.PutAsync($"/api/v1/mentors/{org.MentorA}/certification",
            new StringContent("""{"expires_at": "31.12.2030"}""", System.Text.Encoding.UTF8, "application/json"));
        await response.ProblemAsync(400, "malformed_request");
        Assert.Equal(1, (await server.Worker.StateAsync(org.MentorA)).Version);
    }

    [Fact]
    public async Task IfMatch_Stale_Is412_Current_Succeeds()
    {
        var org = await _world.StandardOrgAsync();
        var coordinator = server.As(org.CoordinatorA);
        var etag = (await coordinator.GetAsync($"/api/v1/mentors/{org.MentorA}")).Headers.ETag!.Tag;
        Assert.Equal("\"1\"", etag);
        await (await coordinator.TransitionAsync(org.MentorA, "pause", ifMatch: 5)).ProblemAsync(412, "version_mismatch");
        Assert.Equal(1, (await server.Worker.StateAsync(org.MentorA)).Version);
        var paused = await coordinator.TransitionAsync(org.MentorA, "pause", ifMatch: 1);
        Assert.Equal("\"2\"", paused.Headers.ETag!.Tag);
        // The old tag is now stale for any transition, even one the status allows.
        await (await coordinator.TransitionAsync(org.MentorA, "reactivate", ifMatch: 1)).ProblemAsync(412, "version_mismatch");
        await (await coordinator.TransitionAsync(org.MentorA, "certification", ifMatch: 1)).ProblemAsync(412, "version_mismatch");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/mentors/{org.MentorA}/reactivate");
        request.Headers.TryAddWithoutValidation("If-Match", "W/\"2\"");
        Assert.Equal(MentorStatus.Active, (await (await coordinator.SendAsync(request)).ReadAsync<MentorResponse>()).Status);
        await server.Worker.AssertConsistentAsync(org.MentorA);
    }

    [Fact]
    public async Task Get_OutOfScope_Is404()
    {
        var org = await _world.StandardOrgAsync();
        var other = await _world.StandardOrgAsync();
        await (await server.As(org.CoordinatorB).GetAsync($"/api/v1/mentors/{org.MentorA}")).ProblemAsync(404, "not_found");
        await (await server.As(other.Admin).GetAsync($"/api/v1/mentors/{org.MentorA}")).ProblemAsync(404, "not_found");
        await (await server.As(org.MentorA2).GetAsync($"/api/v1/mentors/{org.MentorA}")).ProblemAsync(404, "not_found");
    }
}
