using System.Net.Http.Json;
using Dapper;
using Likeperson.Notifications;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Notifications;

/// <summary>GET/PUT /me/notification-preferences, how the dispatcher applies them, and the device registry.</summary>
public sealed class PreferencesTests(PushServer server) : IClassFixture<PushServer>
{
    private const string Url = "/api/v1/me/notification-preferences";
    private readonly World _world = new(server.Worker);
    private readonly Outbox _outbox = new(server.Worker);

    private static object Pref(string type, bool enabled = true, string channels = "both", string mode = "immediate") =>
        new { type, enabled, channels, mode };

    private async Task<PreferencesResponse> GetAsync(Guid person) => await (await server.As(person).GetAsync(Url)).ReadAsync<PreferencesResponse>();

    [Fact]
    public async Task GetPreferences_NothingStored_EveryConfigurableTypeEnabledBothImmediate()
    {
        var org = await _world.StandardOrgAsync();
        var prefs = await GetAsync(org.CoordinatorA);
        Assert.Equal([PreferenceType.MentorPaused, PreferenceType.MentorReactivated, PreferenceType.CertificationExpiryAutoPause,
            PreferenceType.ReactivationPendingAck, PreferenceType.CertificationExpiring, PreferenceType.ReturnDatePassed],
            prefs.Preferences.Select(p => p.Type));
        Assert.All(prefs.Preferences, p => Assert.Equal((true, ChannelChoice.Both, DeliveryMode.Immediate), (p.Enabled, p.Channels, p.Mode)));
    }

    [Fact]
    public async Task PutPreferences_Valid_StoredForTheCallerOnly()
    {
        var org = await _world.StandardOrgAsync();
        var put = await (await server.As(org.CoordinatorA).PutAsJsonAsync(Url, new
        {
            preferences = new[] { Pref("mentor_paused", channels: "in_app", mode: "digest"), Pref("certification_expiry_auto_pause", channels: "push") },
        }, TestServer.Json)).ReadAsync<PreferencesResponse>();

        Assert.Equal(new Preference(PreferenceType.MentorPaused, true, ChannelChoice.InApp, DeliveryMode.Digest), put.Preferences[0]);
        Assert.Equal(new Preference(PreferenceType.CertificationExpiryAutoPause, true, ChannelChoice.Push, DeliveryMode.Immediate), put.Preferences[2]);
        Assert.Equal(put.Preferences, (await GetAsync(org.CoordinatorA)).Preferences);
        Assert.All((await GetAsync(org.CoordinatorB)).Preferences, p => Assert.Equal(ChannelChoice.Both, p.Channels));
    }

    [Theory]
    [InlineData(false, "immediate")]
    [InlineData(true, "digest")]
    public async Task PutPreferences_CriticalTypeDisabledOrDigested_422AndNothingChanged(bool enabled, string mode)
    {
        var org = await _world.StandardOrgAsync();
        var response = await server.As(org.CoordinatorA).PutAsJsonAsync(Url, new
        {
            preferences = new[] { Pref("mentor_paused", enabled: false), Pref("certification_expiry_auto_pause", enabled, mode: mode) },
        }, TestServer.Json);

        await response.ProblemAsync(422, "critical_notification");
        Assert.All((await GetAsync(org.CoordinatorA)).Preferences, p => Assert.True(p.Enabled));
    }

    [Fact]
    public async Task PutPreferences_BadInput_ClearProblems()
    {
        var org = await _world.StandardOrgAsync();
        var me = server.As(org.CoordinatorA);
        await (await me.PutAsync(Url, Json("""{"preferences":[{"type":"pause_digest","enabled":true,"channels":"both","mode":"immediate"}]}""")))
            .ProblemAsync(400, "malformed_request");
        await (await me.PutAsJsonAsync(Url, new { preferences = new[] { Pref("mentor_paused"), Pref("mentor_paused") } }, TestServer.Json))
            .ProblemAsync(422, "validation_failed");
        await (await me.PutAsync(Url, Json("""{"preferences":[{"type":"mentor_paused","enabled":true}]}"""))).ProblemAsync(422, "validation_failed");
        await (await me.PutAsync(Url, Json("{}"))).ProblemAsync(422, "validation_failed");
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    [Fact]
    public async Task Dispatch_Preferences_DisabledInAppOnlyPushOnlyDigestAppliedButCriticalAlwaysImmediate()
    {
        var org = await _world.StandardOrgAsync();
        var people = new Dictionary<string, Guid>();
        foreach (var (name, pref) in new[] { ("off", Pref("mentor_paused", enabled: false)), ("in_app", Pref("mentor_paused", channels: "in_app")),
                     ("push", Pref("mentor_paused", channels: "push")), ("digest", Pref("mentor_paused", mode: "digest")) })
        {
            var id = people[name] = await _world.PersonAsync(org.Id, $"Coordinator {name}", coordinatorOf: [org.ChapterA]);
            await (await server.As(id).PutAsJsonAsync(Url, new { preferences = new[] { pref } }, TestServer.Json)).ReadAsync<object>();
            await (await server.As(id).PostJsonAsync("/api/v1/me/devices", new { token = $"{name}-{id}", platform = "android" })).ReadAsync<object>(201);
        }

        var paused = await _outbox.SettledAsync(await _outbox.StatusChangedAsync(org.Id, org.MentorA, "pause", "active", "paused", org.CoordinatorA));
        var expired = await _outbox.SettledAsync(await _outbox.StatusChangedAsync(org.Id, org.MentorA2, "certification_expiry", "active", "paused",
            null, reason: "certification_expired", kind: "certification_expired", displayName: "Mentor A2"));

        string Of(List<NotificationRow> rows, string who) =>
            string.Join(",", rows.Where(r => r.RecipientId == people[who]).Select(r => $"{r.Channel}:{r.Status}").Order());
        Assert.Equal("", Of(paused, "off"));
        Assert.Equal("in_app:sent", Of(paused, "in_app"));
        Assert.Equal("push:sent", Of(paused, "push"));
        Assert.Equal("in_app:held,push:held", Of(paused, "digest"));
        Assert.DoesNotContain(server.Fcm.SendsTo($"digest-{people["digest"]}"), s => s.Data["type"] == "mentor_paused");
        Assert.DoesNotContain((await (await server.As(people["digest"]).GetAsync("/api/v1/notifications")).ReadAsync<System.Text.Json.JsonElement>())
            .GetProperty("items").EnumerateArray(), i => i.GetProperty("type").GetString() == "mentor_paused");
        foreach (var who in people.Keys) // the compliance-critical type ignores mentor_paused choices and goes out at once everywhere
            Assert.Equal("in_app:sent,push:sent", Of(expired, who));
    }

    [Fact]
    public async Task Digest_HeldItemsCarriedByOneDigest_OnlyTheDigestInTheCentre()
    {
        var org = await _world.StandardOrgAsync();
        await (await server.As(org.CoordinatorA).PutAsJsonAsync(Url, new { preferences = new[] { Pref("mentor_paused", mode: "digest") } },
            TestServer.Json)).ReadAsync<object>();
        await _outbox.SettledAsync(await _outbox.StatusChangedAsync(org.Id, org.MentorA, "pause", "active", "paused", org.CoordinatorA));
        await _outbox.SettledAsync(await _outbox.StatusChangedAsync(org.Id, org.MentorA2, "pause", "active", "paused", org.CoordinatorA,
            displayName: "Mentor A2"));
        var writer = server.Services.GetRequiredService<NotificationWriter>();

        // What the pause-digest job does for each recipient with held items, in one transaction.
        await using (var conn = await server.Worker.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            var digest = await writer.CreateForRecipientAsync(conn, org.Id, org.CoordinatorA, NotificationType.PauseDigest, "Pause digest",
                "2 mentors paused in the last 24 hours: Mentor A, Mentor A2.", new System.Text.Json.Nodes.JsonObject { ["count"] = 2 }, "digest:day1");
            Assert.Equal(2, await conn.ExecuteAsync("UPDATE notifications SET status = 'sent', sent_at = now(), digest_id = @digest WHERE recipient_id = @r AND status = 'held' AND channel = 'in_app'",
                new { digest, r = org.CoordinatorA }));
            await tx.CommitAsync();
        }

        var inbox = await (await server.As(org.CoordinatorA).GetAsync("/api/v1/notifications")).ReadAsync<System.Text.Json.JsonElement>();
        var item = Assert.Single(inbox.GetProperty("items").EnumerateArray());
        Assert.Equal(("pause_digest", 1), (item.GetProperty("type").GetString(), inbox.GetProperty("unread_count").GetInt32()));
    }

    [Fact]
    public async Task Devices_RegisterMovesTokenDeleteOwnOnly()
    {
        var org = await _world.StandardOrgAsync();
        var token = $"shared-{Guid.NewGuid()}";
        var first = await (await server.As(org.CoordinatorA).PostJsonAsync("/api/v1/me/devices", new { token, platform = "ios" })).ReadAsync<DeviceResponse>(201);
        Assert.Equal((token, DevicePlatform.Ios), (first.Token, first.Platform));
        await (await server.As(org.CoordinatorB).PostJsonAsync("/api/v1/me/devices", new { token, platform = "android" })).ReadAsync<DeviceResponse>(201);

        await using (var conn = await server.Worker.OpenConnectionAsync())
            Assert.Equal(org.CoordinatorB, await conn.ExecuteScalarAsync<Guid>("SELECT person_id FROM devices WHERE token = @token", new { token }));
        await (await server.As(org.CoordinatorA).DeleteAsync($"/api/v1/me/devices/{token}")).ProblemAsync(404, "not_found");
        Assert.Equal(204, (int)(await server.As(org.CoordinatorB).DeleteAsync($"/api/v1/me/devices/{token}")).StatusCode);
        await (await server.As(org.CoordinatorB).DeleteAsync($"/api/v1/me/devices/{token}")).ProblemAsync(404, "not_found");
        await (await server.As(org.CoordinatorB).PostJsonAsync("/api/v1/me/devices", new { token = " ", platform = "ios" })).ProblemAsync(422, "validation_failed");
        await (await server.As(org.CoordinatorB).PostRawAsync("/api/v1/me/devices", """{"token":"x","platform":"blackberry"}""")).ProblemAsync(400, "malformed_request");
    }
}
