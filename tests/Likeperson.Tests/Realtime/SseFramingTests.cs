using System.Text;
using System.Text.Json;
using Likeperson.Realtime;
using Likeperson.Tests.Assignments;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Realtime;

/// <summary>Every event decodes in a spec-conformant (WHATWG) EventSource client, whatever text it carries.</summary>
public sealed class SseFramingTests(StreamServer server) : IClassFixture<StreamServer>
{
    private const string Separators = "line\u2028separator\u2029paragraph\u0085next-line\u000Bvt\u000Cff\u001Cfs\u001Egs";

    [Fact]
    public async Task SseClient_Lines_EndOnlyAtCrLfOrCrlf()
    {
        // The test client's line splitting is the one the specification defines; nothing else ends a line.
        using var reader = new StreamReader(new MemoryStream(Encoding.UTF8.GetBytes($"a{Separators}\rb\nc\r\nd")));
        var lines = new List<string>();
        while (await reader.ReadLineAsync() is { } line) lines.Add(line);
        Assert.Equal([$"a{Separators}", "b", "c", "d"], lines);
    }

    [Theory]
    [InlineData("{\"reason\":\"" + Separators + "\"}")]
    [InlineData("plain")]
    [InlineData("")]
    [InlineData("two\nlines")]
    [InlineData("carriage\rreturn and\r\ncrlf")]
    [InlineData(": not a comment\n\nnot an end")]
    public async Task Encode_AnyText_DecodesToTheSameTextInASpecConformantParser(string data)
    {
        await using var parser = SseClient.Over(new MemoryStream(ChangeEvent.Encode(42, "mentor.status_changed", data)));
        var e = await parser.NextAsync();
        Assert.Equal(42, e!.Id);
        Assert.Equal("mentor.status_changed", e.Type);
        Assert.Equal(data.Replace("\r\n", "\n").Replace('\r', '\n'), e.Data); // SSE data cannot hold CR: lines rejoin with LF
        Assert.Null(await parser.NextAsync());
    }

    [Fact]
    public async Task Stream_NotesWithUnicodeLineAndParagraphSeparators_EventDecodesWithTheTextIntact()
    {
        var org = await server.World.StandardOrgAsync();
        var coordinator = server.As(org.CoordinatorA);
        await using var sse = await SseClient.OpenAsync(coordinator, StreamHelpers.Url("topics=assignments"));

        var created = await (await coordinator.PostJsonAsync("/api/v1/assignments",
            new { peer_mentor_id = org.MentorA, contact_id = org.ContactA, notes = Separators })).ReadAsync<JsonElement>(201);
        var e = await sse.NextAsync();
        Assert.Equal("assignment.created", e!.Type);
        Assert.Equal(created.GetProperty("id").GetGuid(), e.Json.GetProperty("id").GetGuid());
        Assert.Equal(Separators, e.Json.GetProperty("notes").GetString());

        await (await coordinator.PatchJsonAsync(created.GetProperty("id").GetGuid(), JsonSerializer.Serialize(new { notes = "x\u2028y" })))
            .ReadAsync<JsonElement>();
        Assert.Equal("x\u2028y", (await sse.NextAsync())!.Json.GetProperty("notes").GetString());
    }
}
