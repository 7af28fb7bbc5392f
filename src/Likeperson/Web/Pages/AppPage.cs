using Likeperson.Auth;
using Likeperson.Database;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Likeperson.Web.Pages;

/// <summary>
/// Base of the signed-in pages. They call the features in-process as the signed-in person (the same functions the
/// endpoints call, under the same row-level security), and read the page's frame (<see cref="Viewer"/>: roles for the
/// navigation, the unread badge) in the same round trip as their own data where they can (<see cref="ReadAsync{T}"/>).
/// A person who no longer exists is signed out and sent to sign in again.
/// </summary>
public abstract class AppPage(Db db, Lang lang) : PageModel
{
    protected Db Db => db;
    public Lang L => lang;

    /// <summary>The signed-in person (the cookie's `sub`).</summary>
    protected Guid Me => User.PersonId();

    public Viewer Viewer { get; private set; } = null!;

    public int UnreadCount => Viewer?.UnreadCount ?? 0;

    /// <summary>Event-stream topics this page updates itself from (the unread badge always listens to notifications).</summary>
    public virtual string Topics => "notifications";

    /// <summary>The stream position the page's data is consistent with (resume from it), when the read gave one.</summary>
    public long? StreamPosition { get; protected set; }

    /// <summary>Which navigation entry is the current page.</summary>
    public abstract string Nav { get; }

    public string? Error { get; protected set; }

    /// <summary>The page's frame and <paramref name="statement"/> in one round trip.</summary>
    protected async Task<T> ReadAsync<T>(Statement<T> statement)
    {
        var frame = Viewer.Read(WebSession.SessionId(User));
        var parameters = new Dapper.DynamicParameters(frame.Parameters);
        parameters.AddDynamicParams(statement.Parameters);
        return await db.AsPersonAtOnceAsync(Me, $"{frame.Sql};\n{statement.Sql}", parameters, async results =>
        {
            Viewer = await frame.Read(results) ?? throw new SessionEndedException(); // before the page's read refuses a stranger
            return await statement.Read(results);
        }, HttpContext.RequestAborted);
    }

    /// <summary>
    /// Reads the page's frame before the page's own reads, and resumes the page's event stream from the stream head it
    /// carries: the data read afterwards is at least that new, so an event committed after it is replayed, never missed
    /// (an event replayed that the data already shows is applied idempotently, by version). For pages whose data comes
    /// from several feature calls; a page with one statement uses <see cref="ReadAsync{T}"/> and its own position.
    /// </summary>
    protected async Task ReadFrameAsync()
    {
        await ReadFrameOnlyAsync();
        StreamPosition = Viewer.StreamHead;
    }

    /// <summary>The frame alone, in its own round trip; a session whose person is gone (or that was signed out) ends.</summary>
    private async Task ReadFrameOnlyAsync() =>
        Viewer = await db.AsPersonAtOnceAsync(Me, Viewer.Read(WebSession.SessionId(User)), HttpContext.RequestAborted) ?? throw new SessionEndedException();

    /// <summary>
    /// Runs a feature call and shows its refusal (an <see cref="ApiException"/> or a rule raised in SQL) on the page, in the
    /// person's language when the code has a text, exactly as the API would have answered it. False when refused.
    /// </summary>
    protected async Task<bool> TryAsync(Func<Task> work)
    {
        try
        {
            await work();
            return true;
        }
        catch (Exception e) when (ProblemMapping.Map(e) is { Status: >= 400 and < 500 } problem)
        {
            Error = L["problem." + problem.Code] is var text && text != "problem." + problem.Code ? text : problem.Detail;
            return false;
        }
    }

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (User.IsSystemAdmin()) // a system admin's session is no person's: it opens only the first-run page
        {
            context.Result = new LocalRedirectResult("/admin/organizations");
            return;
        }
        var executed = await next();
        try
        {
            if (executed.Exception is SessionEndedException) throw new SessionEndedException();
            if (executed.Exception is null && Viewer is null && executed.Result is PageResult) await ReadFrameOnlyAsync();
        }
        catch (SessionEndedException)
        {
            await HttpContext.SignOutAsync(WebModule.CookieScheme);
            executed.ExceptionHandled = true;
            executed.Result = new RedirectResult("/signin?expired=1");
        }
    }

    /// <summary>An htmx request (a part of the page is being replaced) or a fetch for one row.</summary>
    public bool IsFragment => Request.Headers.ContainsKey("HX-Request") || Request.Query.ContainsKey("handler");
}

/// <summary>The session's person no longer exists (deleted, or their identity unlinked): the session is over.</summary>
public sealed class SessionEndedException() : Exception("The signed-in person no longer exists.");
