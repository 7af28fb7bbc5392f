using Likeperson.Database;
using Likeperson.Notifications;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages;

/// <summary>
/// Notification preferences for the configurable types that reach the person: every type for coordinators and org admins,
/// for a peer mentor only those about themself (<see cref="PreferenceTypes.ReachingMentors"/>). The certification-expiry auto-pause is compliance-critical:
/// the page shows it switched on and immediate, with its controls disabled and the reason beside them (the feature
/// refuses anything else with 422 critical_notification).
/// </summary>
public sealed partial class PreferencesModel(Db db, Lang lang) : AppPage(db, lang)
{
    public const PreferenceType Critical = PreferenceType.CertificationExpiryAutoPause;
    public static readonly PreferenceType[] Types = Enum.GetValues<PreferenceType>();

    public override string Nav => "preferences";
    public IReadOnlyList<Preference> Preferences { get; private set; } = [];
    public bool Saved { get; private set; }

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
        if (!ReachesMe) return Page();
        await TryAsync(async () => Preferences = (await MeApi.PreferencesAsync(Db, Me, ct)).Preferences);
        Saved = Request.Query.ContainsKey("saved");
        return Page();
    }

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
