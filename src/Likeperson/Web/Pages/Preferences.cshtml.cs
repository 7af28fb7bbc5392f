using Likeperson.Database;
using Likeperson.Notifications;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages;

/// <summary>
/// Notification preferences for the configurable types that reach the person: every type for coordinators and org admins,
/// for a peer mentor only those about themself (<see cref="PreferenceTypes.ReachingMentors"/>). The certification-expiry auto-pause is compliance-critical:
/// the page shows it switched on and immediate, with its controls disabled and the reason beside them (the feature
/// refuses anything else with 422 critical_notification). Quiet hours (when push waits) are for everyone, mentors too
/// (<see cref="QuietHoursApi"/>, the endpoint's own functions); a refused window comes back with what was typed and each
/// field's error beside it.
/// </summary>
public sealed partial class PreferencesModel(Db db, Lang lang) : AppPage(db, lang)
{
    public const PreferenceType Critical = PreferenceType.CertificationExpiryAutoPause;
    public static readonly PreferenceType[] Types = Enum.GetValues<PreferenceType>();

    public override string Nav => "preferences";
    public IReadOnlyList<Preference> Preferences { get; private set; } = [];
    public bool Saved { get; private set; }

    /// <summary>The quiet hours shown: the stored ones, or what was typed into a refused form.</summary>
    public QuietHoursRequest Quiet { get; private set; } = new(true, "22:00", "07:00");
    public bool QuietSaved { get; private set; }

    /// <summary>The refused quiet-hours form's errors by field (enabled, start, end), in the page's language.</summary>
    public Dictionary<string, string> QuietErrors { get; } = [];

    /// <summary>
    /// The configurable types all go to a mentor's coordinators (falling back to org admins: DispatchPlan's audience); a
    /// peer mentor who supervises nobody gets only the ones about themself, and the page says what they always get.
    /// </summary>
    public IReadOnlyList<PreferenceType> Shown => Viewer?.Supervises == true ? Types
        : Viewer?.PeerMentor == true ? PreferenceTypes.ReachingMentors : [];

    public bool ReachesMe => Shown.Count > 0;

    /// <summary>Someone who supervises nobody: the page explains what a peer mentor is always told.</summary>
    public bool MentorOnly => Viewer?.Supervises != true;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await ReadFrameAsync();
        await LoadDevicesAsync(ct); // everyone: Preferences.WebPush.cs
        await TryAsync(async () =>
        {
            var stored = await QuietHoursApi.GetAsync(Db, Me, ct);
            Quiet = new(stored.Enabled, stored.Start, stored.End);
        });
        QuietSaved = Request.Query["quiet"] == "saved";
        if (!ReachesMe) return Page();
        await TryAsync(async () => Preferences = (await MeApi.PreferencesAsync(Db, Me, ct)).Preferences);
        Saved = Request.Query.ContainsKey("saved");
        return Page();
    }

    public async Task<IActionResult> OnPostQuietAsync(string? enabled, string? start, string? end, CancellationToken ct)
    {
        var typed = new QuietHoursRequest(enabled == "true", start ?? "", end ?? "");
        Exception? refusal = null;
        if (await TryAsync(async () =>
            {
                try { await QuietHoursApi.SetAsync(Db, Me, typed, ct); }
                catch (Exception e) { refusal = e; throw; }
            }))
            return LocalRedirect("/preferences?quiet=saved");
        var error = Error;
        var page = await OnGetAsync(ct);
        (Error, Quiet) = (error, typed);
        foreach (var (field, code) in refusal is null ? new Dictionary<string, string>() : ProblemMapping.FieldCodes(refusal))
            QuietErrors[field] = L["quiet.error." + code];
        if (QuietErrors.Count > 0) Error = L["quiet.refused"];
        return page;
    }

    /// <summary>The error of a quiet-hours field, if the form was refused for it (shown beside it, linked by aria-describedby).</summary>
    public string? QuietError(string field) => QuietErrors.GetValueOrDefault(field);

    /// <summary>The first field with an error gets the focus.</summary>
    public bool FirstQuietError(string field) =>
        QuietErrors.Count > 0 && new[] { "enabled", "start", "end" }.First(QuietErrors.ContainsKey) == field;

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await ReadFrameAsync();
        if (!ReachesMe) return LocalRedirect("/preferences");
        var form = Request.Form;
        var body = new PreferencesRequest(Shown.Select(type =>
        {
            var name = SnakeCase.Of(type);
            var channels = Channel(form[$"{name}.channels"]);
            return type == Critical
                ? new PreferenceInput(type, true, channels, DeliveryMode.Immediate)
                : new PreferenceInput(type, form[$"{name}.enabled"] == "true", channels,
                    form[$"{name}.mode"] == "digest" ? DeliveryMode.Digest : DeliveryMode.Immediate);
        }).ToArray());
        if (await TryAsync(() => MeApi.SetPreferencesAsync(Db, Me, body, ct))) return LocalRedirect("/preferences?saved=1");
        var error = Error;
        var page = await OnGetAsync(ct);
        Error = error;
        return page;
    }

    private static ChannelChoice Channel(string? value) => value switch
    {
        "push" => ChannelChoice.Push,
        "in_app" => ChannelChoice.InApp,
        _ => ChannelChoice.Both,
    };
}
