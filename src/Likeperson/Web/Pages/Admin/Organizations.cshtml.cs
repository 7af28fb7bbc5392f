using System.Text.Json;
using Likeperson.Auth;
using Likeperson.Database;
using Likeperson.Organizations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Likeperson.Web.Pages.Admin;

/// <summary>
/// The first run, for a system admin's session (a subject of Auth:SystemAdmins, signed in with a token or, in
/// Development, as the demo system admin): the organisations, and a form creating one with its first org admin through
/// <see cref="FirstRun"/> (the code of `POST /organizations` and `POST /organizations/{id}/people`), after which the new
/// ids are shown once. It reads no person data: the list is organisations only. A person's session gets a 403 page; a
/// session whose subject is no longer a system admin, or that was signed out, is ended.
/// </summary>
public sealed class OrganizationsModel(Db db, Lang lang, AuthSettings auth) : PageModel
{
    private const string CreatedKey = "lp_first_run";

    public Lang L => lang;
    public bool Forbidden { get; private set; }
    public List<OrganizationSummary> Organizations { get; private set; } = [];
    public FirstRunDone? Created { get; private set; }
    public string? Error { get; private set; }

    /// <summary>The refused form's errors by field (name, admin_display_name), in the page's language.</summary>
    public Dictionary<string, string> FieldErrors { get; } = [];
    public string? TypedName { get; private set; }
    public string? TypedAdmin { get; private set; }

    [TempData(Key = CreatedKey)] public string? CreatedJson { get; set; }

    public sealed record FirstRunDone(Guid OrganizationId, string OrganizationName, Guid AdminId, string AdminDisplayName);

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!User.IsSystemAdmin())
        {
            (Forbidden, Error) = (true, L["orgs.forbidden"]);
            context.HttpContext.Response.StatusCode = 403;
            context.Result = Page();
            return;
        }
        if (!auth.SystemAdmins.Contains(User.Subject()) || await WebSession.EndedAsync(db, User, HttpContext.RequestAborted))
        {
            await HttpContext.SignOutAsync(WebModule.CookieScheme);
            context.Result = new LocalRedirectResult("/signin?expired=1");
            return;
        }
        await next();
    }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Organizations = await FirstRun.ListAsync(db, ct);
        Created = CreatedJson is { } json ? JsonSerializer.Deserialize<FirstRunDone>(json) : null;
    }

    public async Task<IActionResult> OnPostAsync(string? name, [FromForm(Name = "admin_display_name")] string? adminDisplayName, CancellationToken ct)
    {
        try
        {
            var created = await FirstRun.CreateAsync(db, name, adminDisplayName, ct);
            CreatedJson = JsonSerializer.Serialize(new FirstRunDone(created.Organization.Id, created.Organization.Name, created.Admin.Id,
                created.Admin.DisplayName));
            return LocalRedirect("/admin/organizations");
        }
        catch (ApiException e) when (e.Status is >= 400 and < 500)
        {
            (Error, TypedName, TypedAdmin) = (L["orgs.refused"], name, adminDisplayName);
            foreach (var (field, messages) in e.Errors ?? new Dictionary<string, string[]>())
                FieldErrors[field] = L[$"orgs.error.{field}"] is var text && text != $"orgs.error.{field}" ? text : string.Join(" ", messages);
            Organizations = await FirstRun.ListAsync(db, ct);
            return Page();
        }
    }

    public string? FieldError(string field) => FieldErrors.GetValueOrDefault(field);
}
