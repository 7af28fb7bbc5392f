using System.Globalization;
using Dapper;
using Likeperson.Notifications;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Notifications;

/// <summary>
/// Notifications are written in each recipient's language (people.language), push and in-app alike, with dates as that
/// language writes them; a person who never chose reads English.
/// </summary>
public sealed class NotificationLanguageTests(PushServer server) : IClassFixture<PushServer>
{
    private readonly World _world = new(server.Worker);
    private readonly Outbox _outbox = new(server.Worker);

    private async Task LanguageAsync(Guid person, string? language)
    {
        await using var conn = new NpgsqlConnection(server.Database.Owner);
        await conn.OpenAsync();
        await conn.ExecuteAsync("UPDATE people SET language = @language WHERE id = @person", new { person, language });
    }

    [Fact]
    public async Task Pause_NorwegianCoordinatorAndEnglishMentor_EachReadsTheirOwnLanguage()
    {
        var org = await _world.StandardOrgAsync();
        await LanguageAsync(org.CoordinatorA, "nb");
        await LanguageAsync(org.MentorA, "en");
        var phone = $"coord-{Guid.NewGuid()}";
        await (await server.As(org.CoordinatorA).PostJsonAsync("/api/v1/me/devices", new { token = phone, platform = "android" })).ReadAsync<object>(201);
        var pause = await _outbox.PauseRecordAsync(org.Id, org.MentorA, reason: "Familie");
        var id = await _outbox.StatusChangedAsync(org.Id, org.MentorA, "pause", "active", "paused", org.MentorA, pause,
            reason: "Familie", kind: "voluntary", expectedReturnDate: "2030-01-15");

        var rows = await _outbox.SettledAsync(id);

        var inApp = rows.Single(r => r.Type == "mentor_paused" && r.Channel == "in_app");
        Assert.Equal("Likeperson på pause", inApp.Title);
        Assert.Contains("Mentor A tok pause som likeperson", inApp.Body);
        Assert.Contains("Forventet tilbake 15. januar 2030.", inApp.Body);
        Assert.Contains("Årsak: Familie", inApp.Body);
        Assert.Matches(@"\d{1,2}\. (januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember) \d{4}", inApp.Body);
        Assert.DoesNotMatch(@"\d{4}-\d{2}-\d{2}", inApp.Body);
        var push = rows.Single(r => r.Type == "mentor_paused" && r.Channel == "push");
        Assert.Equal("Likeperson på pause", push.Title);
        var sent = Assert.Single(server.Fcm.SendsTo(phone));
        Assert.Equal("Likeperson på pause", sent.Message.GetProperty("notification").GetProperty("title").GetString());
        Assert.Contains("Forventet tilbake 15. januar 2030.", sent.Message.GetProperty("notification").GetProperty("body").GetString());

        var confirmation = rows.Single(r => r.Type == "pause_confirmation" && r.Channel == "in_app");
        Assert.Equal("Pause Confirmed", confirmation.Title);
        Assert.Contains("Expected back 15 January 2030.", confirmation.Body);
    }

    [Fact]
    public async Task Reactivation_PersonWhoNeverChose_ReadsEnglishWithAnEnglishDate()
    {
        var org = await _world.StandardOrgAsync();
        await LanguageAsync(org.CoordinatorA, null);
        var id = await _outbox.StatusChangedAsync(org.Id, org.MentorA, "reactivate", "paused", "active", org.CoordinatorA);

        var rows = await _outbox.SettledAsync(id);

        var inApp = rows.Single(r => r.Type == "mentor_reactivated" && r.Channel == "in_app" && r.RecipientId == org.CoordinatorA);
        Assert.Equal("Peer Mentor Reactivated", inApp.Title);
        Assert.Matches(@"is active again from \d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}", inApp.Body);
    }

    [Theory]
    [InlineData("nb", "Likeperson reaktivert", "er aktiv igjen fra 3. desember 2026 etter en pause på 12 dager.")]
    [InlineData("en", "Peer Mentor Reactivated", "is active again from 3 December 2026 after a pause of 12 days.")]
    public void Compose_DatesAndDaysInTheRecipientsLanguage(string language, string title, string body)
    {
        var payload = new OutboxPayload { MentorId = Guid.NewGuid(), Transition = "reactivate", NewStatus = "active" };
        var facts = new DispatchFacts("Kari", new DateOnly(2026, 12, 3), false, 12, "2026-12-03T10:00:00Z");
        var content = NotificationContent.Compose(Occasion.Reactivated, NotificationType.MentorReactivated, payload, facts, language);
        Assert.Equal(title, content.Title);
        Assert.Equal("Kari " + body, content.Body);
    }
}
