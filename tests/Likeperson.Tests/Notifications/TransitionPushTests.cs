using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Likeperson.Mentors;
using Likeperson.Notifications;
using Likeperson.Tests.Infrastructure;
using Likeperson.Tests.Mentors;

namespace Likeperson.Tests.Notifications;

/// <summary>
/// Notifications of real transitions made through HTTP (not hand-written outbox rows), with the server's own dispatcher
/// and push sender running against a fake FCM: a failing FCM never changes a transition's answer, and recipients fall
/// back to org admins, or to one undeliverable row naming the mentor.
/// </summary>
public sealed partial class TransitionPushTests(PushServer server) : IClassFixture<PushServer>
{
    private readonly World _world = new(server.Worker);

    private async Task DeviceAsync(Guid person, string token) =>
        await (await server.As(person).PostJsonAsync("/api/v1/me/devices", new { token, platform = "android" })).ReadAsync<object>(201);

    /// <summary>Every notification of the organisation, once none is pending any more (dispatched and pushed).</summary>
    private async Task<List<NotificationRow>> SettledAsync(Guid org, int atLeast)
    {
        List<NotificationRow> rows = [];
        await Eventually.TrueAsync(async () =>
        {
            await using var conn = await server.Worker.OpenConnectionAsync();
            var unprocessed = await conn.ExecuteScalarAsync<int>(
                "SELECT count(*) FROM outbox WHERE organization_id = @org AND processed_at IS NULL", new { org });
            rows = (await conn.QueryAsync<NotificationRow>(
                $"SELECT {NotificationRow.Columns} FROM notifications WHERE organization_id = @org ORDER BY created_at, type, channel", new { org })).ToList();
            return unprocessed == 0 && rows.Count >= atLeast && rows.All(r => r.Status != "pending");
        }, $"the notifications of organisation {org} to settle");
        return rows;
    }

    /// <summary>Pause by the mentor, reactivation and pause by the coordinator, deactivation by the admin: each answer as text.</summary>
    private async Task<List<string>> TransitionsAsync(Org org)
    {
        var steps = new (Guid Actor, string Transition, object? Body)[]
        {
            (org.MentorA, "pause", new { reason = "Exams", expected_return_date = MentorHttp.Today.AddDays(14) }),
            (org.CoordinatorA, "reactivate", null),
            (org.CoordinatorA, "pause", new { reason = "Needs a break" }),
            (org.Admin, "deactivate", new { reason = "Moved away" }),
        };
        var ids = new Dictionary<string, string>();
        var answers = new List<string>();
        foreach (var (actor, transition, body) in steps)
        {
            var response = await server.As(actor).TransitionAsync(org.MentorA, transition, body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == 200, $"{transition}: {(int)response.StatusCode} {text}");
            answers.Add($"{transition} {(int)response.StatusCode} ETag {response.Headers.ETag} {Normalise(text, ids)}");
        }
        return answers;
    }

    /// <summary>Ids become placeholders in order of appearance and timestamps a marker, so two organisations' answers compare.</summary>
    private static string Normalise(string json, Dictionary<string, string> ids)
    {
        var text = Uuid().Replace(json, m => ids.TryGetValue(m.Value, out var p) ? p : ids[m.Value] = $"<id{ids.Count}>");
        return Timestamp().Replace(text, "<time>");
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Uuid();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z")]
    private static partial Regex Timestamp();

    [Theory]
    [InlineData(503)]
    [InlineData(500)]
    public async Task Transitions_FcmPermanentlyDown_AnswerExactlyAsWithFcmUpAndEachFailureIsLogged(int fcmStatus)
    {
        var up = await _world.StandardOrgAsync();
        var down = await _world.StandardOrgAsync();
        foreach (var org in new[] { up, down })
        {
            await DeviceAsync(org.CoordinatorA, $"coordinator-{Guid.NewGuid()}");
            await DeviceAsync(org.MentorA, $"mentor-{Guid.NewGuid()}");
        }

        var withFcm = await TransitionsAsync(up);
        var upRows = await SettledAsync(up.Id, atLeast: 10);
        List<string> withoutFcm;
        List<NotificationRow> downRows;
        server.Fcm.FailEverySend = fcmStatus;
        try
        {
            withoutFcm = await TransitionsAsync(down);
            downRows = await SettledAsync(down.Id, atLeast: 10);
        }
        finally { server.Fcm.FailEverySend = null; }

        Assert.Equal(withFcm, withoutFcm); // the same statuses, ETags and bodies, id for id
        Assert.All(upRows, r => Assert.Equal("sent", r.Status));
        Assert.Equal(upRows.Select(r => $"{r.Type}/{r.Channel}").Order(), downRows.Select(r => $"{r.Type}/{r.Channel}").Order());
        Assert.All(downRows.Where(r => r.Channel == "in_app"), r => Assert.Equal("sent", r.Status));
        var pushes = downRows.Where(r => r.Channel == "push").ToList();
        Assert.NotEmpty(pushes);
        Assert.All(pushes, r =>
        {
            Assert.Equal("failed", r.Status);
            Assert.Contains(fcmStatus.ToString(), r.Error);
        });
        foreach (var transition in new[] { "pause", "reactivate", "deactivate" })
            Assert.Contains(server.Logs.Entries, e => e.Message.StartsWith("Push delivery failed")
                && Equals(e.State["MentorId"], down.MentorA) && Equals(e.State["Transition"], transition) && e.Message.Contains(fcmStatus.ToString()));
    }

    [Fact]
    public async Task Pause_NoCoordinatorInTheChapter_OrgAdminsToldMentorConfirmedAbsenceLogged()
    {
        var org = await _world.OrganizationAsync();
        var chapter = await _world.ChapterAsync(org);
        var admin = await _world.PersonAsync(org, "Only Admin", orgAdmin: true);
        var otherChapter = await _world.ChapterAsync(org);
        var elsewhere = await _world.PersonAsync(org, "Coordinator Elsewhere", coordinatorOf: [otherChapter]);
        var mentor = await _world.PersonAsync(org, "Fallback Mentor", mentorIn: [chapter]);
        await DeviceAsync(admin, $"admin-{Guid.NewGuid()}");
        await DeviceAsync(mentor, $"fallback-mentor-{Guid.NewGuid()}");

        var paused = await (await server.As(mentor).TransitionAsync(mentor, "pause", new { reason = "Holiday" })).ReadAsync<MentorResponse>();
        var rows = await SettledAsync(org, atLeast: 4);

        Assert.Equal(["mentor_paused/in_app/sent", "mentor_paused/push/sent"],
            rows.Where(r => r.RecipientId == admin).Select(r => $"{r.Type}/{r.Channel}/{r.Status}").Order());
        Assert.Equal(["pause_confirmation/in_app/sent", "pause_confirmation/push/sent"],
            rows.Where(r => r.RecipientId == mentor).Select(r => $"{r.Type}/{r.Channel}/{r.Status}").Order());
        Assert.DoesNotContain(rows, r => r.RecipientId == elsewhere);
        Assert.All(rows, r => Assert.Equal(paused.CurrentPause!.Id, r.PauseId));
        Assert.Contains(server.Logs.Entries, e => e.Message.Contains("No coordinator") && Equals(e.State["MentorId"], mentor));
        var inbox = await (await server.As(admin).GetAsync("/api/v1/notifications")).ReadAsync<JsonElement>();
        Assert.Equal("mentor_paused", Assert.Single(inbox.GetProperty("items").EnumerateArray()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Pause_NobodyToTell_TransitionAnswers200AndOneUndeliverableRowNamesTheMentor()
    {
        var org = await _world.OrganizationAsync();
        var chapter = await _world.ChapterAsync(org);
        var mentor = await _world.PersonAsync(org, "Unheard Mentor", mentorIn: [chapter]);
        await DeviceAsync(mentor, $"unheard-{Guid.NewGuid()}");

        var paused = await (await server.As(mentor).TransitionAsync(mentor, "pause")).ReadAsync<MentorResponse>();
        var rows = await SettledAsync(org, atLeast: 3);

        Assert.Equal(MentorStatus.Paused, paused.Status);
        var nobody = Assert.Single(rows, r => r.RecipientId is null);
        Assert.Equal(("mentor_paused", "undeliverable", mentor, paused.CurrentPause!.Id), (nobody.Type, nobody.Status, nobody.MentorId, nobody.PauseId));
        Assert.Contains("No coordinator or org admin", nobody.Error);
        Assert.Equal(["pause_confirmation/in_app/sent", "pause_confirmation/push/sent"],
            rows.Where(r => r.RecipientId == mentor).Select(r => $"{r.Type}/{r.Channel}/{r.Status}").Order());
        Assert.Contains(server.Logs.Entries, e => e.Message.Contains("undeliverable") && Equals(e.State["MentorId"], mentor));

        // An org admin appointed later finds it counted for the coordinator dashboard.
        var admin = await _world.PersonAsync(org, "Late Admin", orgAdmin: true);
        var counts = await (await server.As(admin).GetAsync("/api/v1/notifications/undeliverable-count")).ReadAsync<DeliveryProblems>();
        Assert.Equal((org, 1, 0), (counts.OrganizationId, counts.UndeliverableCount, counts.FailedCount));
    }
}

/// <summary>
/// Real transitions through HTTP with the background loops off (ManualPushServer), so the test decides when the
/// dispatcher and the sender run: the world changes between a pause and its dispatch, and a dispatcher or sender
/// "dies" between its steps; a restarted instance (loops on) then finishes the work without losing or doubling a row.
/// </summary>
public sealed class TransitionDispatchStepTests(ManualPushServer server) : IClassFixture<ManualPushServer>
{
    private readonly World _world = new(server.Worker);
    private readonly Outbox _outbox = new(server.Worker);

    private async Task DeviceAsync(Guid person, string token) =>
        await (await server.As(person).PostJsonAsync("/api/v1/me/devices", new { token, platform = "android" })).ReadAsync<object>(201);

    /// <summary>The outbox row the transition functions queued for this mentor's latest transition.</summary>
    private async Task<long> OutboxRowOfAsync(Guid mentor)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>(
            "SELECT max(id) FROM outbox WHERE kind = 'mentor_status_changed' AND payload->>'mentor_id' = @mentor", new { mentor = mentor.ToString() });
    }

    private async Task<Guid> PauseThroughHttpAsync(Guid actor, Guid mentor) =>
        (await (await server.As(actor).TransitionAsync(mentor, "pause", new { reason = "Exams" })).ReadAsync<MentorResponse>()).CurrentPause!.Id;

    private async Task OwnerAsync(string sql)
    {
        await using var conn = new Npgsql.NpgsqlConnection(server.Database.Owner);
        await conn.ExecuteAsync(sql);
    }

    /// <summary>Another instance on the database with only the dispatcher on: it dispatches, nobody sends.</summary>
    private Task<WebApplication> DispatcherOnlyAsync() => server.StartAsync(new Dictionary<string, string?>
    {
        ["Notifications:DispatcherEnabled"] = "true",
        ["Notifications:SenderEnabled"] = "false",
    });

    [Fact]
    public async Task Dispatch_CoordinatorsChangedThroughTheApiAfterARealPause_TheCoordinatorsAtDispatchTimeAreTold()
    {
        var org = await _world.StandardOrgAsync();
        var pauseId = await PauseThroughHttpAsync(org.MentorA, org.MentorA);
        var id = await OutboxRowOfAsync(org.MentorA);
        Assert.False(await _outbox.ProcessedAsync(id)); // nothing dispatched yet: the loops are off

        var admin = server.As(org.Admin);
        var newcomer = (await (await admin.PostJsonAsync($"/api/v1/organizations/{org.Id}/people", new
        {
            display_name = "New Coordinator", memberships = new[] { new { chapter_id = org.ChapterA, role = "coordinator" } },
        })).ReadAsync<JsonElement>(201)).GetProperty("id").GetGuid();
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/organizations/{org.Id}/people/{org.CoordinatorA}/memberships")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { memberships = new[] { new { chapter_id = org.ChapterB, role = "coordinator" } } },
                options: TestServer.Json),
        };
        await (await admin.SendAsync(request)).ReadAsync<JsonElement>(); // Coordinator A moves to chapter B

        await using (await DispatcherOnlyAsync())
        {
            await Eventually.TrueAsync(() => _outbox.ProcessedAsync(id), "the real pause to be dispatched");
            var rows = await _outbox.NotificationsOfAsync(id);
            Assert.Equal([newcomer], rows.Where(r => r.Type == "mentor_paused").Select(r => r.RecipientId!.Value).Distinct());
            Assert.Equal([org.MentorA], rows.Where(r => r.Type == "pause_confirmation").Select(r => r.RecipientId!.Value).Distinct());
            Assert.All(rows, r => Assert.Equal(pauseId, r.PauseId));
        }
        var inbox = await (await server.As(newcomer).GetAsync("/api/v1/notifications")).ReadAsync<JsonElement>();
        Assert.Equal("mentor_paused", Assert.Single(inbox.GetProperty("items").EnumerateArray()).GetProperty("type").GetString());
        var former = await (await server.As(org.CoordinatorA).GetAsync("/api/v1/notifications")).ReadAsync<JsonElement>();
        Assert.Empty(former.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Dispatch_DiesAfterWritingBeforeMarkingARealPause_RestartLosesNothingAndDuplicatesNothing()
    {
        var org = await _world.StandardOrgAsync();
        var device = $"real-crash-{Guid.NewGuid()}";
        await DeviceAsync(org.CoordinatorA, device);
        await PauseThroughHttpAsync(org.MentorA, org.MentorA);
        var id = await OutboxRowOfAsync(org.MentorA);
        var dispatch = server.Services.GetRequiredService<OutboxDispatch>();
        await using (var conn = await server.Worker.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            var row = await conn.QuerySingleAsync<OutboxRow>(
                "SELECT id, organization_id, kind, payload::text AS payload, attempts, created_at FROM outbox WHERE id = @id FOR UPDATE", new { id });
            await NotificationWriter.PublishAsync(conn, await dispatch.DispatchAsync(conn, row));
            await tx.CommitAsync(); // the process dies here: notifications written and published, outbox row not marked
        }
        var before = await _outbox.NotificationsOfAsync(id);
        Assert.False(await _outbox.ProcessedAsync(id));

        await using var restarted = await server.RestartAsync();
        var after = await _outbox.SettledAsync(id);

        Assert.Equal(before.Select(r => r.Id).Order(), after.Select(r => r.Id).Order()); // the same rows, no new ones
        Assert.Equal(["mentor_paused/in_app", "mentor_paused/push", "pause_confirmation/in_app", "pause_confirmation/push"],
            after.Select(r => $"{r.Type}/{r.Channel}").Order());
        Assert.Single(server.Fcm.SendsTo(device));
        await using var check = await server.Worker.OpenConnectionAsync();
        Assert.Equal(2, await check.ExecuteScalarAsync<int>("""
            SELECT count(*) FROM change_events WHERE event_type = 'notification.created' AND (payload->>'id')::uuid = ANY(@ids)
            """, new { ids = after.Where(r => r.Channel == "in_app").Select(r => r.Id).ToArray() })); // each published once
    }

    [Fact]
    public async Task Push_SenderDiesBetweenSendAndRecordAfterARealPause_RestartSendsAgainRowsNeitherLostNorDoubled()
    {
        var org = await _world.StandardOrgAsync();
        var device = $"real-lease-{Guid.NewGuid()}";
        await DeviceAsync(org.CoordinatorA, device);
        await PauseThroughHttpAsync(org.CoordinatorA, org.MentorA); // a coordinator acts: only coordinators are told
        var id = await OutboxRowOfAsync(org.MentorA);
        await using (await DispatcherOnlyAsync())
            await Eventually.TrueAsync(() => _outbox.ProcessedAsync(id), "the real pause to be dispatched");
        var dispatched = await _outbox.NotificationsOfAsync(id);
        Assert.Equal("pending", dispatched.Single(r => r.Channel == "push").Status);

        // The sender instance sends to FCM, then "dies" before its outcome is recorded: the database refuses the record.
        await OwnerAsync("""
            CREATE FUNCTION test_sender_dies() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'the sender died before recording'; END $$;
            CREATE TRIGGER test_sender_dies BEFORE UPDATE ON notifications FOR EACH ROW
              WHEN (NEW.channel = 'push' AND OLD.status = 'pending' AND NEW.status <> 'pending') EXECUTE FUNCTION test_sender_dies();
            """);
        try
        {
            await using (await server.StartAsync(new Dictionary<string, string?> { ["Notifications:SenderEnabled"] = "true" }))
                await Eventually.TrueAsync(async () => server.Fcm.SendsTo(device).Count == 1, "the send"); // stopping flushes (and loses) the record
        }
        finally { await OwnerAsync("DROP TRIGGER test_sender_dies ON notifications; DROP FUNCTION test_sender_dies();"); }
        Assert.Equal("pending", (await _outbox.NotificationsOfAsync(id)).Single(r => r.Channel == "push").Status);
        await using (var conn = await server.Worker.OpenConnectionAsync()) // time passes beyond the lease
            await conn.ExecuteAsync("UPDATE notifications SET next_attempt_at = now() WHERE outbox_id = @id AND channel = 'push'", new { id });

        await using var restarted = await server.RestartAsync();
        var rows = await _outbox.SettledAsync(id);

        Assert.Equal(dispatched.Select(r => r.Id).Order(), rows.Select(r => r.Id).Order()); // no row lost, none added
        var push = Assert.Single(rows, r => r.Channel == "push");
        Assert.Equal(("sent", 2), (push.Status, push.Attempts));
        Assert.Equal(2, server.Fcm.SendsTo(device).Count); // at least once: the device may see it twice, the log has one row
    }
}
