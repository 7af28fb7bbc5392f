using Dapper;
using Likeperson.Database;
using Likeperson.Organizations;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages.Admin;

/// <summary>
/// Base of the set-up screens under /admin. They read with the page's frame in one round trip and write through the same
/// feature functions as the setup endpoints (PeopleApi, OrganizationsApi, ContactsApi), whose refusals come back with
/// their field errors; the page shows those next to the fields (in the page's language where a text exists), keeps what
/// was typed, and marks the first one to take the focus. Someone whose role does not open the page gets a 403 page
/// without data.
/// </summary>
public abstract class AdminPage(Db db, Lang lang, OrgAccess access) : AppPage(db, lang)
{
    public const int PageSize = 50;

    protected OrgAccess Access => access;
    public override string Nav => "admin";

    /// <summary>The caller's role does not open this page: it shows only why.</summary>
    public bool Forbidden { get; private set; }

    /// <summary>What the last write did (after its redirect), announced to screen readers.</summary>
    public string? Done { get; protected set; }

    /// <summary>The refused form's errors by field, in the page's language.</summary>
    public Dictionary<string, string> FieldErrors { get; } = [];

    /// <summary>The fields of the page's form in the order they appear, so the first error can take the focus.</summary>
    protected abstract string[] FieldOrder { get; }

    public string? FieldError(string field) => FieldErrors.GetValueOrDefault(field);

    /// <summary>"true" or "false" for aria-invalid.</summary>
    public string Invalid(string field) => FieldErrors.ContainsKey(field) ? "true" : "false";

    /// <summary>The field is the first with an error: it gets autofocus.</summary>
    public bool FocusFirst(string field) => FieldOrder.FirstOrDefault(FieldErrors.ContainsKey) == field;

    /// <summary>aria-describedby for a field: its help (if any) and its error (if any).</summary>
    public string? DescribedBy(string field, string? help = null)
    {
        var ids = string.Join(' ', new[] { help, FieldErrors.ContainsKey(field) ? ErrorId(field) : null }.Where(i => i is not null));
        return ids.Length == 0 ? null : ids;
    }

    public static string ErrorId(string field) => field.Replace('_', '-') + "-error";

    protected IActionResult ForbiddenPage()
    {
        Forbidden = true;
        Error = L["admin.forbidden"];
        Response.StatusCode = 403;
        return Page();
    }

    /// <summary>The caller's organisation (every setup function takes it, as the endpoints take it from the path).</summary>
    protected Task<Guid> OrganizationIdAsync(CancellationToken ct) =>
        Db.AsPersonAtOnceAsync(Me, "SELECT auth_org_id()", new DynamicParameters(), results => results.ReadSingleAsync<Guid>(), ct);

    /// <summary>Two statements and the page's frame in one round trip.</summary>
    protected async Task<(TA, TB)> ReadAsync<TA, TB>(Statement<TA> a, Statement<TB> b)
    {
        var parameters = new DynamicParameters(a.Parameters);
        parameters.AddDynamicParams(b.Parameters);
        return await ReadAsync(new Statement<(TA, TB)>($"{a.Sql};\n{b.Sql}", parameters, async results => (await a.Read(results), await b.Read(results))));
    }

    /// <summary>
    /// Runs a feature's write. Refused, the message goes to the top of the page and each field error next to its field:
    /// the text `admin.error.{form}.{field}` when there is one, else the server's own words.
    /// </summary>
    protected async Task<bool> SubmitAsync(string form, Func<Task> work)
    {
        Problem? refusal = null;
        if (await TryAsync(async () =>
            {
                try { await work(); }
                catch (Exception e) { refusal = ProblemMapping.Map(e); throw; }
            }))
            return true;
        foreach (var (field, messages) in refusal?.Errors ?? new Dictionary<string, string[]>())
        {
            var key = $"admin.error.{form}.{field}";
            FieldErrors[field] = L[key] is var text && text != key ? text : string.Join(" ", messages);
        }
        if (refusal?.Code == "validation_failed" || (refusal?.Errors?.Count > 0)) Error = L["admin.fix_fields"];
        return false;
    }

    /// <summary>A local form error found before the feature is called (a number that is no number).</summary>
    protected void FieldProblem(string form, string field) => FieldErrors[field] = L[$"admin.error.{form}.{field}"];
}
