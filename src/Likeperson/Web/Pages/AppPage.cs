using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Likeperson.Web.Pages;

/// <summary>
/// Base of the signed-in pages: reads the unread count for the navigation badge, tells the layout which event-stream
/// topics the page listens to, and turns an expired token (API 401) into a new sign-in.
/// </summary>
public abstract class AppPage(LoopbackApi api, Lang lang) : PageModel
{
    protected LoopbackApi Api => api;
    public Lang L => lang;

    public int UnreadCount { get; private set; }

    /// <summary>Event-stream topics this page updates itself from (the unread badge always listens to notifications).</summary>
    public virtual string Topics => "notifications";

    /// <summary>The stream position the page's data is consistent with (resume from it), when the API gave one.</summary>
    public long? StreamPosition { get; protected set; }

    /// <summary>Which navigation entry is the current page.</summary>
    public abstract string Nav { get; }

    public string? Error { get; protected set; }

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        try
        {
            if (HttpMethods.IsGet(Request.Method) && !IsFragment)
                UnreadCount = (await api.GetAsync<NotificationPageDto>("notifications?unread=true&limit=1")).Value?.UnreadCount ?? 0;
        }
        catch (SessionExpiredException)
        {
            await HttpContext.SignOutAsync(WebModule.CookieScheme);
            context.Result = new RedirectResult("/signin?expired=1");
            return;
        }
        var executed = await next();
        if (executed.Exception is SessionExpiredException)
        {
            await HttpContext.SignOutAsync(WebModule.CookieScheme);
            executed.ExceptionHandled = true;
            executed.Result = new RedirectResult("/signin?expired=1");
        }
    }

    /// <summary>An htmx request (a part of the page is being replaced) or a fetch for one row.</summary>
    public bool IsFragment => Request.Headers.ContainsKey("HX-Request") || Request.Query.ContainsKey("handler");

    /// <summary>Shows the API's refusal (problem detail) on the page, in the person's language when we know the code.</summary>
    protected void ShowProblem<T>(ApiResult<T> result) =>
        Error = result.Code is { } code && L["problem." + code] is var text && text != "problem." + code ? text : result.Problem ?? L["problem.unknown"];
}
