using Likeperson.Database;
using Likeperson.Organizations;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages.Admin;

/// <summary>
/// `/admin/contacts` (coordinators for the chapters they coordinate, org admins for all): the contacts of those chapters by
/// name, filtered by chapter and paged; add a contact (name, chapter) through <see cref="ContactsApi.CreateAsync"/>.
/// </summary>
public sealed class ContactsModel(Db db, Lang lang, OrgAccess access) : AdminPage(db, lang, access)
{
    protected override string[] FieldOrder => ["display_name", "chapter_id"];
    public override string Nav => Viewer?.OrgAdmin == true ? "admin" : "contacts";
    public List<ChapterResponse> Chapters { get; private set; } = [];
    public IReadOnlyList<ContactSummary> Contacts { get; private set; } = [];
    public string? NextCursor { get; private set; }
    [BindProperty(SupportsGet = true, Name = "chapter_id")] public Guid? ChapterId { get; set; }
    [BindProperty(SupportsGet = true)] public string? Cursor { get; set; }
    public string? TypedName { get; private set; }
    public Guid? TypedChapter { get; private set; }

    public string Url(string? cursor) => $"/admin/contacts?chapter_id={ChapterId}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");

    public async Task<IActionResult> OnGetAsync()
    {
        Statement<Page<ContactSummary>> contacts;
        try { contacts = ContactList.Page(ChapterId, PageSize, Cursor); }
        catch (ApiException) { (Cursor, contacts) = (null, ContactList.Page(ChapterId, PageSize, null)); } // a cursor we never issued: the first page
        var (chapters, page) = await ReadAsync(ChapterList.ForContacts(), contacts);
        if (!Viewer.Supervises) return ForbiddenPage();
        (Chapters, Contacts, NextCursor) = (chapters, page.Items, page.NextCursor);
        if (Request.Query["done"] == "added") Done = L.Format("admin.contacts.added", Request.Query["name"].ToString());
        return Page();
    }

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "display_name")] string? displayName,
        [FromForm(Name = "chapter")] Guid? chapter, CancellationToken ct)
    {
        ContactResponse? added = null;
        if (await SubmitAsync("contact", async () => added = await ContactsApi.CreateAsync(Access, Db, User, new CreateContactRequest(displayName, chapter), ct)))
            return LocalRedirect($"/admin/contacts?chapter_id={added!.ChapterId}&done=added&name={Uri.EscapeDataString(added.DisplayName)}");
        var error = Error;
        (ChapterId, Cursor) = (null, null);
        var page = await OnGetAsync();
        if (Forbidden) return page;
        (Error, TypedName, TypedChapter) = (error, displayName, chapter);
        return page;
    }
}
