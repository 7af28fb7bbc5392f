using Likeperson.Database;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages;

/// <summary>The start page: coordinators and org admins land on the assignment board, peer mentors on their own page.</summary>
public sealed class IndexModel(Db db, Lang lang) : AppPage(db, lang)
{
    public override string Nav => "";

    public async Task<IActionResult> OnGetAsync()
    {
        var viewer = await Db.AsPersonAtOnceAsync(Me, Viewer.Read(WebSession.SessionId(User)), HttpContext.RequestAborted) ?? throw new SessionEndedException();
        return LocalRedirect(viewer.Supervises ? "/board" : viewer.PeerMentor ? "/my" : "/notifications");
    }
}
