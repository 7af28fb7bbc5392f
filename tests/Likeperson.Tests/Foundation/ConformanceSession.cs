using System.Text.Json;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Foundation;

/// <summary>
/// The scripted session of <see cref="OpenApiConformanceTests"/>: a realistic successful call of every endpoint and the
/// refusals of its rules (role 403, state 409, stale version 412, validation 422), in an order that makes each one real.
/// Returns the ids it made, by route parameter name, for the probes that follow.
/// </summary>
internal sealed class ConformanceSession(OpenApiConformanceTests test, TestServer _server, Org org, Org other)
{
    private const string V = "/api/v1";

    private Task<JsonElement> Call(HttpClient client, string method, string template, string path, int expect, string? body = null,
        string? ifMatch = null) => test.CallAsync(client, method, template, path, body, expect, ifMatch);

    public async Task<Dictionary<string, string>> RunAsync()
    {
        var sys = _server.AsSystemAdmin();
        var admin = _server.As(org.Admin);
        var coordinator = _server.As(org.CoordinatorA);
        var mentor = _server.As(org.MentorA);
        var o = $"{V}/organizations/{org.Id}";

        // Setup
        await Call(sys, "POST", $"{V}/organizations", $"{V}/organizations", 201, """{"name": "Conformance"}""");
        await Call(admin, "POST", $"{V}/organizations", $"{V}/organizations", 403, """{"name": "Conformance 2"}""");
        await Call(sys, "POST", $"{V}/organizations", $"{V}/organizations", 422, """{"name": ""}""");
        await Call(admin, "GET", $"{V}/organizations/{{orgId}}", o, 200);
        const string settings = $"{V}/organizations/{{orgId}}/settings";
        await Call(admin, "PATCH", settings, $"{o}/settings", 200, """{"require_reactivation_ack": true}""");
        await Call(coordinator, "PATCH", settings, $"{o}/settings", 403, """{"digest_hour": 9}""");
        await Call(admin, "PATCH", settings, $"{o}/settings", 422, """{"digest_hour": 99}""");
        const string chapters = $"{V}/organizations/{{orgId}}/chapters";
        await Call(admin, "POST", chapters, $"{o}/chapters", 201, """{"name": "Chapter C"}""");
        await Call(admin, "POST", chapters, $"{o}/chapters", 409, """{"name": "Chapter C"}""");
        await Call(coordinator, "POST", chapters, $"{o}/chapters", 403, """{"name": "Chapter D"}""");
        await Call(admin, "POST", chapters, $"{o}/chapters", 422, "{}");
        await Call(mentor, "GET", chapters, $"{o}/chapters", 200);
        const string people = $"{V}/organizations/{{orgId}}/people";
        var membership = $$"""{"memberships": [{"chapter_id": "{{org.ChapterA}}", "role": "peer_mentor"}]""";
        var person = await Call(admin, "POST", people, $"{o}/people", 201,
            membership + """, "display_name": "New Mentor", "certification_expires_at": "2030-01-01"}""");
        await Call(coordinator, "POST", people, $"{o}/people", 403, membership + """, "display_name": "X"}""");
        await Call(admin, "POST", people, $"{o}/people", 422, "{}");
        var personId = person.GetProperty("id").GetString()!;
        const string memberships = $"{V}/organizations/{{orgId}}/people/{{personId}}/memberships";
        await Call(admin, "PUT", memberships, $"{o}/people/{personId}/memberships", 200, membership + "}");
        await Call(coordinator, "PUT", memberships, $"{o}/people/{personId}/memberships", 403, membership + "}");
        await Call(admin, "PUT", memberships, $"{o}/people/{personId}/memberships", 422, """{"memberships": [{}]}""");
        await Call(admin, "GET", people, $"{o}/people?chapter_id={org.ChapterA}&q=mentor&limit=2", 200);
        await Call(coordinator, "GET", people, $"{o}/people", 403);
        await Call(admin, "GET", people, $"{o}/people?cursor=bogus", 400);
        await Call(admin, "GET", people, $"{o}/people?limit=0", 422);
        await Call(admin, "GET", $"{people}/{{personId}}", $"{o}/people/{personId}", 200);
        await Call(coordinator, "GET", $"{people}/{{personId}}", $"{o}/people/{personId}", 403);
        await Call(coordinator, "GET", $"{V}/contacts", $"{V}/contacts?chapter_id={org.ChapterA}", 200);
        await Call(coordinator, "GET", $"{V}/contacts", $"{V}/contacts?cursor=bogus", 400);
        await Call(coordinator, "GET", $"{V}/contacts", $"{V}/contacts?limit=500", 422);
        const string invitations = $"{V}/organizations/{{orgId}}/people/{{personId}}/invitations";
        await Call(admin, "POST", invitations, $"{o}/people/{personId}/invitations", 201);
        await Call(coordinator, "POST", invitations, $"{o}/people/{personId}/invitations", 201); // the person's chapter's coordinator
        await Call(mentor, "POST", invitations, $"{o}/people/{personId}/invitations", 403);
        await Call(_server.As(org.CoordinatorB), "POST", invitations, $"{o}/people/{personId}/invitations", 404); // outside their chapters
        const string identities = $"{V}/organizations/{{orgId}}/people/{{personId}}/identities";
        var identityId = await LinkIdentityAsync(Guid.Parse(personId));
        await Call(admin, "GET", identities, $"{o}/people/{personId}/identities", 200);
        await Call(coordinator, "GET", identities, $"{o}/people/{personId}/identities", 403);
        const string identity = $"{V}/organizations/{{orgId}}/people/{{personId}}/identities/{{identityId}}";
        await Call(coordinator, "DELETE", identity, $"{o}/people/{personId}/identities/{identityId}", 403);
        await Call(admin, "DELETE", identity, $"{o}/people/{personId}/identities/{identityId}", 204);
        await Call(admin, "DELETE", identity, $"{o}/people/{personId}/identities/{identityId}", 404);
        await Call(coordinator, "POST", $"{V}/contacts", $"{V}/contacts", 201, $$"""{"display_name": "C", "chapter_id": "{{org.ChapterA}}"}""");
        await Call(coordinator, "POST", $"{V}/contacts", $"{V}/contacts", 403, $$"""{"display_name": "C", "chapter_id": "{{org.ChapterB}}"}""");
        await Call(coordinator, "POST", $"{V}/contacts", $"{V}/contacts", 422, "{}");
        await Call(coordinator, "GET", $"{V}/contacts/{{contactId}}", $"{V}/contacts/{org.ContactA}", 200);
        await Call(mentor, "GET", $"{V}/me", $"{V}/me", 200);

        // Mentor status (the organisation requires acknowledgement now)
        const string m = $"{V}/mentors/{{mentorId}}";
        var me = $"{V}/mentors/{org.MentorA}";
        await Call(coordinator, "GET", m, me, 200);
        var paused = await Call(mentor, "POST", $"{m}/pause", $"{me}/pause", 200, """{"reason": "Holiday", "expected_return_date": "2030-01-01"}""");
        var pauseId = paused.GetProperty("current_pause").GetProperty("id").GetString()!;
        await Call(mentor, "POST", $"{m}/pause", $"{me}/pause", 409, "{}");
        await Call(coordinator, "GET", $"{m}/pauses", $"{me}/pauses", 200);
        await Call(coordinator, "GET", $"{V}/roster/paused", $"{V}/roster/paused", 200);
        await Call(mentor, "POST", $"{m}/reactivate", $"{me}/reactivate", 200);
        await Call(coordinator, "POST", $"{m}/reactivation/hold", $"{me}/reactivation/hold", 200, """{"reason": "Not yet"}""");
        await Call(mentor, "POST", $"{m}/reactivate", $"{me}/reactivate", 200);
        await Call(mentor, "POST", $"{m}/reactivation/acknowledge", $"{me}/reactivation/acknowledge", 403);
        await Call(coordinator, "POST", $"{m}/reactivation/acknowledge", $"{me}/reactivation/acknowledge", 412, ifMatch: "\"999\"");
        await Call(coordinator, "POST", $"{m}/reactivation/acknowledge", $"{me}/reactivation/acknowledge", 200);
        await Call(coordinator, "PUT", $"{m}/certification", $"{me}/certification", 200, """{"expires_at": "2031-01-01"}""");
        await Call(coordinator, "PUT", $"{m}/certification", $"{me}/certification", 422, "{}");
        await Call(mentor, "PUT", $"{m}/listing", $"{me}/listing", 200, """{"listed_publicly": true}""");
        await Call(coordinator, "PUT", $"{m}/listing", $"{me}/listing", 403, """{"listed_publicly": false}""");
        await Call(mentor, "PUT", $"{m}/listing", $"{me}/listing", 422, "{}");
        const string feed = $"{V}/public/chapters/{{chapterId}}/mentors";
        await Call(_server.Anonymous(), "GET", feed, $"{V}/public/chapters/{org.ChapterA}/mentors", 200);
        await Call(_server.Anonymous(), "GET", feed, $"{V}/public/chapters/{Guid.NewGuid()}/mentors", 404);
        var me2 = $"{V}/mentors/{org.MentorA2}";
        await Call(coordinator, "POST", $"{m}/deactivate", me2 + "/deactivate", 422, "{}");
        await Call(coordinator, "POST", $"{m}/deactivate", me2 + "/deactivate", 200, """{"reason": "Moved away"}""");
        await Call(coordinator, "GET", $"{V}/pauses/{{pauseId}}/notifications", $"{V}/pauses/{pauseId}/notifications", 200);

        // Notifications: the dispatcher tells the coordinator about the pause
        var notificationId = await FirstNotificationAsync(coordinator);
        const string n = $"{V}/notifications/{{id}}";
        var ni = $"{V}/notifications/{notificationId}";
        await Call(coordinator, "POST", $"{n}/delivered", $"{ni}/delivered", 204);
        await Call(coordinator, "POST", $"{n}/opened", $"{ni}/opened", 204);
        await Call(coordinator, "POST", $"{n}/acknowledge", $"{ni}/acknowledge", 204);
        await Call(coordinator, "POST", $"{n}/delivered", $"{ni}/delivered", 409);
        await Call(admin, "GET", $"{V}/notifications/undeliverable-count", $"{V}/notifications/undeliverable-count", 200);
        await Call(mentor, "GET", $"{V}/notifications/undeliverable-count", $"{V}/notifications/undeliverable-count", 403);
        const string prefs = $"{V}/me/notification-preferences";
        await Call(mentor, "GET", prefs, prefs, 200);
        await Call(coordinator, "PUT", prefs, prefs, 200, """{"preferences": [{"type": "mentor_paused", "enabled": true, "channels": "both", "mode": "digest"}]}""");
        await Call(coordinator, "PUT", prefs, prefs, 422,
            """{"preferences": [{"type": "certification_expiry_auto_pause", "enabled": false, "channels": "both", "mode": "immediate"}]}""");
        const string device = """{"token": "conformance-device", "platform": "android"}""";
        await Call(mentor, "POST", $"{V}/me/devices", $"{V}/me/devices", 201, device);
        await Call(_server.As(other.MentorA), "POST", $"{V}/me/devices", $"{V}/me/devices", 409, device);
        await Call(mentor, "POST", $"{V}/me/devices", $"{V}/me/devices", 422, "{}");
        await Call(mentor, "DELETE", $"{V}/me/devices/{{token}}", $"{V}/me/devices/conformance-device", 204);
        await Call(mentor, "DELETE", $"{V}/me/devices/{{token}}", $"{V}/me/devices/conformance-device", 404);
        // Web Push: the VAPID key and a browser's subscription
        await Call(_server.Anonymous(), "GET", $"{V}/web-push/public-key", $"{V}/web-push/public-key", 200);
        const string wp = $"{V}/me/web-push-subscriptions";
        using var browserKey = System.Security.Cryptography.ECDiffieHellman.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var q = browserKey.ExportParameters(false).Q;
        var p256dh = System.Buffers.Text.Base64Url.EncodeToString([0x04, .. q.X!, .. q.Y!]);
        var auth = System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        const string pushEndpoint = "https://push.example.test/conformance";
        var subscription = JsonSerializer.Serialize(new { endpoint = pushEndpoint, expirationTime = (object?)null, keys = new { p256dh, auth } });
        await Call(mentor, "POST", wp, wp, 201, subscription);
        await Call(mentor, "POST", wp, wp, 422, """{"endpoint": "http://push.example.test/plain", "keys": {"p256dh": "x", "auth": "y"}}""");
        await Call(mentor, "GET", wp, wp, 200);
        await Call(mentor, "DELETE", wp, wp, 422);
        await Call(mentor, "DELETE", wp, $"{wp}?endpoint={Uri.EscapeDataString(pushEndpoint)}", 204);
        await Call(mentor, "DELETE", wp, $"{wp}?endpoint={Uri.EscapeDataString(pushEndpoint)}", 404);
        const string quiet = $"{V}/me/quiet-hours";
        await Call(mentor, "GET", quiet, quiet, 200);
        await Call(mentor, "PUT", quiet, quiet, 200, """{"enabled": true, "start": "23:00", "end": "06:30"}""");
        await Call(mentor, "PUT", quiet, quiet, 422, """{"enabled": true, "start": "23:00", "end": "23:00"}""");

        // Assignments
        const string a = $"{V}/assignments";
        var pair = $$"""{"peer_mentor_id": "{{org.MentorA}}", "contact_id": "{{org.ContactA}}" """;
        var assignment = await Call(coordinator, "POST", a, a, 201, pair + "}");
        var assignmentId = assignment.GetProperty("id").GetString()!;
        await Call(coordinator, "POST", a, a, 422, pair + """, "status": "completed"}""");
        await Call(mentor, "POST", a, a, 403, pair + "}");
        await Call(coordinator, "POST", a, a, 422, $$"""{"peer_mentor_id": "{{org.MentorA2}}", "contact_id": "{{org.ContactA}}"}""");
        const string batch = $"{a}/batch";
        await Call(coordinator, "POST", batch, batch, 201, $$"""{"items": [{{pair}}}, {{pair}}, "status": "pending"}]}""");
        await Call(coordinator, "POST", batch, batch, 422, $$"""{"items": [{{pair}}}, {"peer_mentor_id": "{{org.MentorA2}}", "contact_id": "{{org.ContactA}}"}]}""");
        await Call(coordinator, "POST", batch, batch, 422, """{"items": []}""");
        await Call(coordinator, "POST", batch, batch, 404, $$"""{"items": [{"peer_mentor_id": "{{org.MentorA}}", "contact_id": "{{other.ContactA}}"}]}""");
        await Call(mentor, "POST", batch, batch, 403, $$"""{"items": [{{pair}}}]}""");
        await Call(coordinator, "GET", a, a, 200);
        await Call(coordinator, "GET", a, a + "?status=bogus", 400);
        await Call(coordinator, "GET", a, a + "?limit=0", 422);
        const string one = $"{a}/{{assignmentId}}";
        var ai = $"{a}/{assignmentId}";
        await Call(mentor, "GET", one, ai, 200);
        await Call(coordinator, "PATCH", one, ai, 200, """{"status": "pending"}""");
        await Call(coordinator, "PATCH", one, ai, 409, """{"status": "open"}""");
        await Call(coordinator, "PATCH", one, ai, 412, """{"notes": "x"}""", ifMatch: "\"999\"");
        await Call(coordinator, "PATCH", one, ai, 422, $$"""{"peer_mentor_id": "{{org.MentorB}}"}""");
        var occurred = DateTime.UtcNow.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ");
        await Call(mentor, "POST", $"{one}/activities", $"{ai}/activities", 201, $$"""{"occurred_at": "{{occurred}}", "kind": "phone", "note": "Called", "duration_minutes": 25, "participants": 2, "mode": "phone"}""");
        await Call(mentor, "POST", $"{one}/activities", $"{ai}/activities", 422, "{}");
        await Call(mentor, "POST", $"{one}/activities", $"{ai}/activities", 422, $$"""{"occurred_at": "{{occurred}}", "duration_minutes": 0}""");
        await Call(mentor, "GET", $"{one}/activities", $"{ai}/activities", 200);
        await Call(coordinator, "GET", $"{one}/activities", $"{ai}/activities?limit=1", 200);
        await Call(coordinator, "GET", $"{one}/activities", $"{ai}/activities?limit=0", 422);
        await Call(coordinator, "GET", $"{one}/activities", $"{ai}/activities?cursor=not-ours", 400);
        await Call(_server.As(org.CoordinatorB), "GET", $"{one}/activities", $"{ai}/activities", 404);
        await Call(coordinator, "PATCH", one, ai, 200, """{"status": "completed"}""");
        await Call(coordinator, "PATCH", one, ai, 409, """{"notes": "after"}""");
        await Call(mentor, "POST", $"{one}/activities", $"{ai}/activities", 409, $$"""{"occurred_at": "{{occurred}}"}""");

        // Reports
        const string engagement = $"{V}/reports/engagement";
        await Call(coordinator, "GET", engagement, $"{engagement}?from=2026-01-01&to=2026-03-31&chapter_id={org.ChapterA}", 200);
        await Call(admin, "GET", engagement, engagement, 200);
        await Call(admin, "GET", engagement, $"{engagement}?from=2026-03-31&to=2026-01-01", 422);
        await Call(coordinator, "GET", engagement, $"{engagement}?chapter_id={org.ChapterB}", 404);
        await Call(admin, "GET", engagement, $"{engagement}?chapter_id=x", 400);
        await Call(mentor, "GET", engagement, engagement, 403);

        // Jobs and operations
        const string run = $"{V}/jobs/{{name}}/run";
        await Call(admin, "POST", run, $"{V}/jobs/reconciliation/run", 200);
        await Call(coordinator, "POST", run, $"{V}/jobs/reconciliation/run", 403);
        await Call(admin, "POST", run, $"{V}/jobs/no-such-job/run", 404);
        await Call(admin, "GET", $"{V}/jobs/runs", $"{V}/jobs/runs", 200);
        await Call(admin, "GET", $"{V}/jobs/runs", $"{V}/jobs/runs?job=nope", 400);
        await Call(mentor, "GET", $"{V}/jobs/runs", $"{V}/jobs/runs", 403);
        await Call(coordinator, "GET", $"{V}/jobs/discrepancies", $"{V}/jobs/discrepancies", 200);
        await Call(coordinator, "GET", $"{V}/jobs/discrepancies", $"{V}/jobs/discrepancies?state=x", 400);
        await Call(_server.Anonymous(), "GET", "/healthz", "/healthz", 200);

        return new Dictionary<string, string>
        {
            ["orgId"] = org.Id.ToString(), ["chapterId"] = org.ChapterA.ToString(), ["personId"] = personId, ["mentorId"] = org.MentorA.ToString(), ["contactId"] = org.ContactA.ToString(),
            ["assignmentId"] = assignmentId, ["pauseId"] = pauseId, ["id"] = notificationId, ["token"] = "conformance-device", ["name"] = "reconciliation",
        };
    }

    /// <summary>A provider identity linked to the person, straight in the database (the conformance server has no provider).</summary>
    private async Task<Guid> LinkIdentityAsync(Guid person)
    {
        await using var conn = await _server.Worker.OpenConnectionAsync();
        return await Dapper.SqlMapper.ExecuteScalarAsync<Guid>(conn, """
            INSERT INTO identity_links (organization_id, person_id, issuer, subject)
            SELECT organization_id, id, 'https://provider.example', 'conformance-user' FROM people WHERE id = @person RETURNING id
            """, new { person });
    }

    private async Task<string> FirstNotificationAsync(HttpClient coordinator)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var page = await Call(coordinator, "GET", $"{V}/notifications", $"{V}/notifications", 200);
            if (page.GetProperty("items").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } item)
                return item.GetProperty("id").GetString()!;
            Assert.True(DateTime.UtcNow < deadline, "The coordinator was never told of the pause");
            await Task.Delay(200);
        }
    }
}
