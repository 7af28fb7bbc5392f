using System.Security.Claims;
using Dapper;
using Likeperson.Auth;
using Likeperson.Database;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Organizations;

/// <summary>Contacts: the people who receive support. Only display names are kept here.</summary>
public static class ContactsApi
{
    public static void MapContactsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/contacts").WithTags("Setup").RequireAuthorization();
        group.MapPost("/", Create).WithSummary("Add a contact to a chapter (its coordinator or an org admin).").ProducesProblems(403, 422);
        group.MapGet("/{contactId:guid}", Get).WithSummary("One contact in the caller's scope.");
        group.MapGet("/", List).WithSummary("The contacts of the caller's chapters by name (a coordinator: the chapters they coordinate; "
            + "an org admin: all); `chapter_id` filters by chapter.").ProducesProblems(400, 422);
    }

    private static async Task<Ok<Page<ContactSummary>>> List([FromQuery(Name = "chapter_id")] Guid? chapterId, int? limit, string? cursor,
        ClaimsPrincipal user, Db db, CancellationToken ct) =>
        TypedResults.Ok(await db.AsPersonAtOnceAsync(user.PersonId(), ContactList.Page(chapterId, Paging.Limit(limit), cursor), ct));

    private static async Task<Created<ContactResponse>> Create(CreateContactRequest body, ClaimsPrincipal user, OrgAccess access, Db db, CancellationToken ct)
    {
        var contact = await CreateAsync(access, db, user, body, ct);
        return TypedResults.Created($"/api/v1/contacts/{contact.Id}", contact);
    }

    /// <summary>
    /// Adds a contact to a chapter (its coordinator or an org admin; the contacts_insert policy holds the same rule): the
    /// endpoint and the contacts page.
    /// </summary>
    public static async Task<ContactResponse> CreateAsync(OrgAccess access, Db db, ClaimsPrincipal user, CreateContactRequest body, CancellationToken ct)
    {
        if (access.IsSystemAdmin(user))
            throw ApiException.Forbidden("Contacts are added by a coordinator of the chapter or an org admin, not a system admin.");
        var v = new Validation();
        var name = Validation.Clean(body.DisplayName);
        v.Check(name is { Length: <= 200 }, "display_name", "A display name of 1 to 200 characters is required.");
        v.Check(body.ChapterId is not null && body.ChapterId != Guid.Empty, "chapter_id", "chapter_id is required.");
        v.ThrowIfAny();
        return await db.AsPersonAsync(user.PersonId(), async s =>
        {
            var caller = s.Person;
            var orgId = await s.Connection.ExecuteScalarAsync<Guid?>(
                "SELECT organization_id FROM chapters WHERE id = @ChapterId", new { body.ChapterId });
            if (orgId is null) throw ApiException.NotFound("Chapter");
            if (!caller.OrgAdmin && !caller.CoordinatedChapters.Contains(body.ChapterId!.Value))
                throw ApiException.Forbidden("Only a coordinator of this chapter or an org admin may add contacts to it.");
            return await s.Connection.QuerySingleAsync<ContactResponse>("""
                INSERT INTO contacts (organization_id, chapter_id, display_name) VALUES (@orgId, @ChapterId, @name)
                RETURNING id, organization_id, chapter_id, display_name
                """, new { orgId, body.ChapterId, name });
        }, ct);
    }

    private static async Task<Ok<ContactResponse>> Get(Guid contactId, ClaimsPrincipal user, Db db, CancellationToken ct)
    {
        var contact = await db.AsPersonAsync(user.PersonId(), s => s.Connection.QuerySingleOrDefaultAsync<ContactResponse>(
            "SELECT id, organization_id, chapter_id, display_name FROM contacts WHERE id = @contactId", new { contactId }), ct);
        return TypedResults.Ok(contact ?? throw ApiException.NotFound("Contact"));
    }
}
