using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages;

/// <summary>
/// Notification preferences for the four configurable types. The certification-expiry auto-pause is compliance-critical:
/// the page shows it switched on and immediate, with its controls disabled and the reason beside them (the API refuses
/// anything else with 422 critical_notification).
/// </summary>
public sealed class PreferencesModel(LoopbackApi api, Lang lang) : AppPage(api, lang)
{
    public const string Critical = "certification_expiry_auto_pause";
    public static readonly string[] Types = ["mentor_paused", "mentor_reactivated", Critical, "reactivation_pending_ack"];

    public override string Nav => "preferences";
    public List<PreferenceDto> Preferences { get; private set; } = [];
    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var result = await Api.GetAsync<PreferencesDto>("me/notification-preferences", ct);
        if (!result.Ok || result.Value is null) ShowProblem(result); else Preferences = result.Value.Preferences;
        Saved = Request.Query.ContainsKey("saved");
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var form = Request.Form;
        var body = new PreferencesDto(Types.Select(type => type == Critical
            ? new PreferenceDto(type, true, Channel(form[$"{type}.channels"]), "immediate")
            : new PreferenceDto(type, form[$"{type}.enabled"] == "true", Channel(form[$"{type}.channels"]),
                form[$"{type}.mode"] == "digest" ? "digest" : "immediate")).ToList());
        var result = await Api.PutAsync<PreferencesDto>("me/notification-preferences", body, ct);
        if (!result.Ok) { ShowProblem(result); return await OnGetAsync(ct); }
        return LocalRedirect("/preferences?saved=1");
    }

    private static string Channel(string? value) => value is "push" or "in_app" ? value : "both";
}
