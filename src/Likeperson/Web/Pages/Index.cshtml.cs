using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Likeperson.Web.Pages;

/// <summary>The start page: coordinators and org admins land on the assignment board, peer mentors on their own page.</summary>
public sealed class IndexModel : PageModel
{
    public IActionResult OnGet() => LocalRedirect(User.Supervises() ? "/board" : User.HasRole("peer_mentor") ? "/my" : "/notifications");
}
