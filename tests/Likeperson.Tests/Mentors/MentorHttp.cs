using Dapper;
using Likeperson.Mentors;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Mentors;

/// <summary>Short-hands for the mentor-status tests: transitions through HTTP, and set-up through the real SQL functions.</summary>
public static class MentorHttp
{
    public static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>The URL and body of a transition by name (pause, reactivate, acknowledge, hold, deactivate, certification).</summary>
    public static Task<HttpResponseMessage> TransitionAsync(this HttpClient client, Guid mentor, string transition, object? body = null,
        int? ifMatch = null)
    {
        var (method, path, defaultBody) = transition switch
        {
            "pause" => (HttpMethod.Post, "pause", (object?)null),
            "reactivate" => (HttpMethod.Post, "reactivate", null),
            "acknowledge" => (HttpMethod.Post, "reactivation/acknowledge", null),
            "hold" => (HttpMethod.Post, "reactivation/hold", null),
            "deactivate" => (HttpMethod.Post, "deactivate", new { reason = "Left the programme" }),
            "certification" => (HttpMethod.Put, "certification", new { expires_at = Today.AddYears(2) }),
            _ => throw new ArgumentOutOfRangeException(nameof(transition)),
        };
        var request = new HttpRequestMessage(method, $"/api/v1/mentors/{mentor}/{path}");
        if ((body ?? defaultBody) is { } b)
            request.Content = System.Net.Http.Json.JsonContent.Create(b, options: TestServer.Json);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", $"\"{ifMatch}\"");
        return client.SendAsync(request);
    }

    public static async Task<MentorResponse> GetMentorAsync(this HttpClient client, Guid mentor) =>
        await (await client.GetAsync($"/api/v1/mentors/{mentor}")).ReadAsync<MentorResponse>();

    /// <summary>Brings a mentor into a status through the real transition functions, acting as the given person.</summary>
    public static async Task BringToAsync(this TestServer server, Org org, Guid mentor, string status)
    {
        async Task As(Guid person, string sql) =>
            await SqlAs.PersonAsync(server.Database, person, c => c.ExecuteAsync(sql, new { mentor }));
        switch (status)
        {
            case "active":
                break;
            case "paused":
                await As(org.Admin, "SELECT mentor_pause(@mentor, 'Set-up', NULL, NULL, now())");
                break;
            case "pending_reactivation": // the organisation must require acknowledgement
                await As(mentor, "SELECT mentor_pause(@mentor, 'Set-up', NULL, NULL, now())");
                await As(mentor, "SELECT mentor_reactivate(@mentor, NULL, now())");
                break;
            case "inactive":
                await As(org.Admin, "SELECT mentor_deactivate(@mentor, 'Set-up', NULL, now())");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(status));
        }
        Assert.Equal(status, (await server.Worker.StateAsync(mentor)).Status);
    }
}
