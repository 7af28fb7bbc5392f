using Dapper;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Web;

/// <summary>
/// A person's notification language follows the web UI: their first sign-in records the UI's language, switching it in the
/// header records the new one; an earlier choice is not overridden by a later sign-in; the database accepts nb and en only.
/// </summary>
public sealed class PersonLanguageTests(TestServer server) : IClassFixture<TestServer>
{
    private async Task<string?> LanguageAsync(Guid person)
    {
        await using var conn = new NpgsqlConnection(server.Database.Owner);
        await conn.OpenAsync();
        return await conn.ExecuteScalarAsync<string?>("SELECT language FROM people WHERE id = @person", new { person });
    }

    [Fact]
    public async Task FirstSignIn_InNorwegian_RecordsNorwegian_AndALaterSignInKeepsIt()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        Assert.Null(await LanguageAsync(org.CoordinatorA));

        await WebSignIn.AsAsync(server, org.CoordinatorA, language: "nb-NO,nb;q=0.9");
        Assert.Equal("nb", await LanguageAsync(org.CoordinatorA));

        await WebSignIn.AsAsync(server, org.CoordinatorA, language: "en-GB");
        Assert.Equal("nb", await LanguageAsync(org.CoordinatorA));
    }

    [Fact]
    public async Task LanguageSwitch_WhileSignedIn_ChangesThePersonsLanguage()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.MentorA, language: "en-GB");
        Assert.Equal("en", await LanguageAsync(org.MentorA));
        var (_, page) = await SignInPage.GetAsync(browser, "/my");

        var switched = await browser.PostAsync("/language", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["lang"] = "nb", ["return_url"] = "/my", ["__RequestVerificationToken"] = SignInPage.Antiforgery(page),
        }));

        Assert.True(switched.IsSuccessStatusCode, $"{switched.StatusCode}");
        Assert.Equal("nb", await LanguageAsync(org.MentorA));
        Assert.Null(await LanguageAsync(org.MentorA2)); // only the signed-in person
    }

    [Fact]
    public async Task LanguageSet_UnknownLanguage_IsRefusedAndNothingChanges()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var failure = await Assert.ThrowsAsync<PostgresException>(() =>
            SqlAs.PersonAsync(server.Database, org.MentorA, c => c.ExecuteAsync("SELECT person_language_set('de', false)")));
        Assert.Equal(("LP422", "language"), (failure.SqlState, failure.Hint));
        Assert.Null(await LanguageAsync(org.MentorA));
    }
}
