using Likeperson.Database;
using Likeperson.Organizations;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages.Admin;

/// <summary>`/admin`: the set-up screens the caller may open (an org admin all of them, a coordinator Contacts).</summary>
public sealed class IndexModel(Db db, Lang lang, OrgAccess access) : AdminPage(db, lang, access)
{
    protected override string[] FieldOrder => [];

    public async Task<IActionResult> OnGetAsync()
    {
        await ReadAsync(new Statement<int>("SELECT 1", new Dapper.DynamicParameters(), results => results.ReadSingleAsync<int>())); // the frame alone
        if (!Viewer.OrgAdmin) return Viewer.Coordinator ? LocalRedirect("/admin/contacts") : ForbiddenPage();
        return Page();
    }
}
