using Likeperson.Auth;
using Likeperson.Database;
using Likeperson.Tests.Infrastructure;
using Likeperson.Web;
using Microsoft.AspNetCore.Http;

namespace Likeperson.Tests.Web;

/// <summary>
/// The sign-in panel the admin's person page hosts (Web/PersonSignInPanel.cs): an org admin sees the identities, invites and
/// unlinks; a coordinator of the person's chapter invites but sees no identities; the rules are the SQL functions'.
/// </summary>
public sealed class PersonSignInPanelTests(TestServer server) : IClassFixture<TestServer>
{
    private Db Db => server.Services.GetRequiredService<Db>();
    private AuthSettings Auth => server.Services.GetRequiredService<AuthSettings>();

    private static HttpContext Request() => new DefaultHttpContext { Request = { Scheme = "https", Host = new HostString("likeperson.example") } };

    [Fact]
    public async Task Panel_OrgAdmin_SeesInvitesAndUnlinks()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await Dapper.SqlMapper.ExecuteAsync(conn, """
                INSERT INTO identity_links (organization_id, person_id, issuer, subject) VALUES (@org, @person, 'https://provider.example', 'panel-user')
                """, new { org = org.Id, person = org.MentorA });
        var panel = await PersonSignInPanel.ReadAsync(Db, org.Admin, org.Id, org.MentorA, default);
        var identity = Assert.Single(panel.Identities!);
        Assert.Equal("panel-user", identity.Subject);
        Assert.Null(panel.NewInvitation);

        var invited = await PersonSignInPanel.InviteAsync(Request(), Db, Auth, org.Admin, org.Id, org.MentorA, default);
        Assert.StartsWith("https://likeperson.example/invite/", invited.NewInvitation!.Url);
        var unlinked = await PersonSignInPanel.UnlinkAsync(Db, org.Admin, org.Id, org.MentorA, identity.Id, default);
        Assert.Empty(unlinked.Identities!);
    }

    [Fact]
    public async Task Panel_Coordinator_InvitesButSeesNoIdentities()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var panel = await PersonSignInPanel.ReadAsync(Db, org.CoordinatorA, org.Id, org.MentorA, default);
        Assert.Null(panel.Identities);
        var invited = await PersonSignInPanel.InviteAsync(Request(), Db, Auth, org.CoordinatorA, org.Id, org.MentorA, default);
        Assert.NotNull(invited.NewInvitation);
        var refused = await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            PersonSignInPanel.InviteAsync(Request(), Db, Auth, org.CoordinatorB, org.Id, org.MentorA, default));
        Assert.Equal("LP404", refused.SqlState); // outside their chapters
    }
}

/// <summary>The admin's person page hosts the panel: an org admin creates an invitation link there and unlinks an account.</summary>
public sealed class PersonPageSignInTests(TestServer server) : IClassFixture<TestServer>
{
    [Fact]
    public async Task PersonPage_OrgAdmin_CreatesAnInvitationLinkAndUnlinksAnAccount()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await Dapper.SqlMapper.ExecuteAsync(conn, """
                INSERT INTO identity_links (organization_id, person_id, issuer, subject) VALUES (@org, @person, 'https://provider.example', 'page-user')
                """, new { org = org.Id, person = org.MentorA });
        var browser = await WebSignIn.AsAsync(server, org.Admin);
        var (_, page) = await SignInPage.GetAsync(browser, $"/admin/people/{org.MentorA}");
        Assert.Contains("page-user", page);

        var invited = await browser.PostAsync($"/admin/people/{org.MentorA}?handler=invite", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = SignInPage.Antiforgery(page),
        }));
        var html = System.Net.WebUtility.HtmlDecode(await invited.Content.ReadAsStringAsync());
        Assert.Equal(System.Net.HttpStatusCode.OK, invited.StatusCode);
        Assert.Matches(@"id=""invitation-url""[^>]*value=""http://[^""]+/invite/[A-Za-z0-9_-]{20,}""", html);
        await using (var conn = await server.Worker.OpenConnectionAsync())
            Assert.Equal(1, await Dapper.SqlMapper.ExecuteScalarAsync<int>(conn,
                "SELECT count(*)::int FROM invitations WHERE person_id = @person", new { person = org.MentorA }));

        var identity = System.Text.RegularExpressions.Regex.Match(html, @"name=""identity_id"" value=""([0-9a-f-]{36})""").Groups[1].Value;
        var unlinked = await browser.PostAsync($"/admin/people/{org.MentorA}?handler=unlink", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["identity_id"] = identity, ["__RequestVerificationToken"] = SignInPage.Antiforgery(html),
        }));
        var after = System.Net.WebUtility.HtmlDecode(await unlinked.Content.ReadAsStringAsync());
        Assert.Contains("The account is unlinked", after);
        Assert.DoesNotContain("page-user", after);
    }
}
