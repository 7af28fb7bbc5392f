using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Likeperson.Database;
using Likeperson.Organizations;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages.Admin;

/// <summary>
/// `/admin/settings` (org admin): every organisation setting, saved through the settings PATCH's own function
/// (<see cref="OrganizationsApi.UpdateSettingsAsync"/>, validated by <see cref="OrganizationSettings.Validate"/>). The page
/// only turns the typed text into numbers; a text that is no number is refused at its field before anything is sent.
/// </summary>
public sealed class SettingsModel(Db db, Lang lang, OrgAccess access) : AdminPage(db, lang, access)
{
    protected override string[] FieldOrder =>
        ["require_reactivation_ack", "reminder_threshold_days", "escalation_threshold_days", "honorarium_thresholds", "certification_warning_days",
         "digest_hour", "timezone", "push_includes_reason"];

    /// <summary>The IANA zones offered as suggestions for the time zone field (the server checks whatever is typed).</summary>
    public static readonly string[] Zones = TimeZoneInfo.GetSystemTimeZones().Where(z => z.HasIanaId && z.Id.Contains('/'))
        .Select(z => z.Id).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The form's values as text: the saved settings, or what was typed into a refused form.</summary>
    public SettingsForm Form { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync()
    {
        var org = await ReadAsync(OrganizationsApi.Own());
        if (!Viewer.OrgAdmin || org is null) return ForbiddenPage();
        Form = SettingsForm.Of(org.Settings);
        if (Request.Query["done"] == "saved") Done = L["admin.settings.saved"];
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(SettingsForm form, CancellationToken ct)
    {
        var patch = form.ToPatch(out var unreadable);
        foreach (var field in unreadable) FieldProblem("settings", field);
        if (unreadable.Count == 0
            && await SubmitAsync("settings", async () => await OrganizationsApi.UpdateSettingsAsync(Access, User, await OrganizationIdAsync(ct), patch, ct)))
            return LocalRedirect("/admin/settings?done=saved");
        if (unreadable.Count > 0) Error = L["admin.fix_fields"];
        var (error, errors) = (Error, FieldErrors.ToDictionary());
        var page = await OnGetAsync();
        if (Forbidden) return page;
        Error = error;
        foreach (var (field, text) in errors) FieldErrors[field] = text;
        Form = form;
        return page;
    }
}

/// <summary>The settings form as posted (names as the API's members).</summary>
public sealed class SettingsForm
{
    [FromForm(Name = "require_reactivation_ack")] public bool RequireReactivationAck { get; set; }
    [FromForm(Name = "reminder_threshold_days")] public string? ReminderThresholdDays { get; set; }
    [FromForm(Name = "escalation_threshold_days")] public string? EscalationThresholdDays { get; set; }
    [FromForm(Name = "honorarium_thresholds")] public string? HonorariumThresholds { get; set; }
    /// <summary>Kept empty when emptied (no warnings), null only when the form did not have the field.</summary>
    [FromForm(Name = "certification_warning_days")] [DisplayFormat(ConvertEmptyStringToNull = false)]
    public string? CertificationWarningDays { get; set; }
    [FromForm(Name = "digest_hour")] public string? DigestHour { get; set; }
    [FromForm(Name = "timezone")] public string? Timezone { get; set; }
    [FromForm(Name = "push_includes_reason")] public bool PushIncludesReason { get; set; }

    public static SettingsForm Of(OrganizationSettings s) => new()
    {
        RequireReactivationAck = s.RequireReactivationAck, ReminderThresholdDays = Text(s.ReminderThresholdDays),
        EscalationThresholdDays = Text(s.EscalationThresholdDays), HonorariumThresholds = string.Join(", ", s.HonorariumThresholds.Select(Text)),
        DigestHour = Text(s.DigestHour), Timezone = s.Timezone, PushIncludesReason = s.PushIncludesReason,
        CertificationWarningDays = string.Join(", ", s.CertificationWarningDays.Select(Text)),
    };

    /// <summary>Every setting as a patch; <paramref name="unreadable"/> names the fields whose text is no (list of) whole number(s).</summary>
    public SettingsPatch ToPatch(out List<string> unreadable)
    {
        var bad = new List<string>();
        int? Number(string? text, string field)
        {
            if (int.TryParse(text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return n;
            bad.Add(field);
            return null;
        }
        int[]? Numbers(string? text, string field)
        {
            var parts = (text ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var numbers = parts.Select(p => Number(p, field)).ToArray();
            return numbers.All(t => t is not null) ? numbers.Select(t => t!.Value).ToArray() : null;
        }
        var patch = new SettingsPatch(RequireReactivationAck, Number(ReminderThresholdDays, "reminder_threshold_days"),
            Number(EscalationThresholdDays, "escalation_threshold_days"), Numbers(HonorariumThresholds, "honorarium_thresholds"),
            Number(DigestHour, "digest_hour"), Timezone?.Trim() ?? "", PushIncludesReason,
            // A form without the field (an older page) leaves the warnings as they are; an emptied field means none.
            CertificationWarningDays is null ? null : Numbers(CertificationWarningDays, "certification_warning_days"));
        unreadable = bad.Distinct().ToList();
        return patch;
    }

    private static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);
}
