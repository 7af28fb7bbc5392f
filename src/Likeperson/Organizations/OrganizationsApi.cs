using System.Security.Claims;
using Dapper;
using Likeperson.Auth;
using Likeperson.Database;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Likeperson.Organizations;

/// <summary>Organisations, their settings and chapters.</summary>
public static class OrganizationsApi
{
    private const string SelectOrganization = """
        SELECT id, name, require_reactivation_ack, reminder_threshold_days, escalation_threshold_days, honorarium_thresholds,
               digest_hour, timezone, push_includes_reason, certification_warning_days, created_at
        FROM organizations
        """;

    public static void MapOrganizationsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/organizations").WithTags("Setup").RequireAuthorization();
        group.MapPost("/", Create).WithSummary("Create an organisation (system admin).").ProducesProblems(403, 422);
        group.MapGet("/{orgId:guid}", Get).WithSummary("An organisation and its settings (any member).");
        group.MapPatch("/{orgId:guid}/settings", UpdateSettings).WithSummary("Change settings (org admin); only members sent change. " +
                "certification_warning_days: the days before a certification's expiry at which the mentor and their coordinators get " +
                "certification_expiring (1 to 365, distinct, at most 10; default [30, 7]; [] for none).")
            .ProducesProblems(403, 422);
        group.MapPost("/{orgId:guid}/chapters", CreateChapter).WithSummary("Create a chapter (system admin or org admin).")
            .ProducesProblems(403, 409, 422);
        group.MapGet("/{orgId:guid}/chapters", ListChapters).WithSummary("The organisation's chapters (any member).");
    }

    private static async Task<Created<OrganizationResponse>> Create(
        CreateOrganizationRequest body, ClaimsPrincipal user, OrgAccess access, Db db, CancellationToken ct)
    {
        if (!access.IsSystemAdmin(user))
            throw ApiException.Forbidden("Only a system admin (Auth:SystemAdmins) may create organisations.");
        var v = new Validation();
        var name = ValidName(body.Name, v, "name");
        var settings = OrganizationSettings.Defaults.With(body.Settings);
        settings.Validate(v, "settings.");
        v.ThrowIfAny();
        var created = await db.AsWorkerAsync(conn => InsertAsync(conn, name!, settings), ct);
        return TypedResults.Created($"/api/v1/organizations/{created.Id}", created);
    }

    /// <summary>An organisation's name, trimmed: 1 to 200 characters (else an error on <paramref name="field"/>).</summary>
    public static string? ValidName(string? name, Validation v, string field)
    {
        var clean = Validation.Clean(name);
        v.Check(clean is { Length: <= 200 }, field, "A name of 1 to 200 characters is required.");
        return clean;
    }

    /// <summary>
    /// Creates an organisation (with its stream position) on a worker connection: `POST /organizations` and the first
    /// run (the `org create` verb and /admin/organizations), which adds its first org admin in the same transaction.
    /// </summary>
    public static async Task<OrganizationResponse> InsertAsync(NpgsqlConnection conn, string name, OrganizationSettings settings) =>
        (await conn.QuerySingleAsync<OrganizationRow>("""
            WITH org AS (
              INSERT INTO organizations (name, require_reactivation_ack, reminder_threshold_days, escalation_threshold_days,
                                         honorarium_thresholds, digest_hour, timezone, push_includes_reason, certification_warning_days)
              VALUES (@name, @RequireReactivationAck, @ReminderThresholdDays, @EscalationThresholdDays,
                      @HonorariumThresholds, @DigestHour, @Timezone, @PushIncludesReason, @CertificationWarningDays)
              RETURNING *),
            stream AS (INSERT INTO stream_positions (organization_id) SELECT id FROM org)
            SELECT id, name, require_reactivation_ack, reminder_threshold_days, escalation_threshold_days, honorarium_thresholds,
                   digest_hour, timezone, push_includes_reason, certification_warning_days, created_at FROM org
            """, new { name, settings.RequireReactivationAck, settings.ReminderThresholdDays, settings.EscalationThresholdDays,
                       settings.HonorariumThresholds, DigestHour = (short)settings.DigestHour, settings.Timezone, settings.PushIncludesReason,
                       settings.CertificationWarningDays }))
        .ToResponse();

    private static async Task<Ok<OrganizationResponse>> Get(Guid orgId, ClaimsPrincipal user, Db db, CancellationToken ct) =>
        TypedResults.Ok(await ReadAsync(db, user.PersonId(), orgId, ct));

    /// <summary>An organisation and its settings, for any member of it (404 for anyone else): the endpoint and the settings page.</summary>
    public static async Task<OrganizationResponse> ReadAsync(Db db, Guid personId, Guid orgId, CancellationToken ct)
    {
        var row = await db.AsPersonAsync(personId, s => s.Connection.QuerySingleOrDefaultAsync<OrganizationRow>(new CommandDefinition(
            $"{SelectOrganization} WHERE id = @orgId", new { orgId }, cancellationToken: ct)), ct);
        return (row ?? throw ApiException.NotFound("Organisation")).ToResponse();
    }

    /// <summary>The caller's own organisation and its settings, as a statement a page sends with its frame.</summary>
    public static Statement<OrganizationResponse?> Own() => new($"{SelectOrganization} WHERE id = (SELECT auth_org_id())",
        new DynamicParameters(), async results => (await results.ReadSingleOrDefaultAsync<OrganizationRow>())?.ToResponse());

    private static async Task<Ok<OrganizationResponse>> UpdateSettings(
        Guid orgId, SettingsPatch body, ClaimsPrincipal user, OrgAccess access, CancellationToken ct) =>
        TypedResults.Ok(await UpdateSettingsAsync(access, user, orgId, body, ct));

    /// <summary>
    /// Applies a settings patch (org admin): the members sent change, the result is validated whole
    /// (<see cref="OrganizationSettings.Validate"/>), a patch that changes nothing writes nothing. The endpoint and the settings page.
    /// </summary>
    public static async Task<OrganizationResponse> UpdateSettingsAsync(OrgAccess access, ClaimsPrincipal user, Guid orgId, SettingsPatch body,
        CancellationToken ct)
    {
        var row = await access.AsAdminAsync(user, orgId, allowSystemAdmin: false, async (conn, _) =>
        {
            var current = await conn.QuerySingleAsync<OrganizationRow>($"{SelectOrganization} WHERE id = @orgId FOR UPDATE", new { orgId });
            var next = current.ToResponse().Settings.With(body);
            var v = new Validation();
            next.Validate(v, "");
            v.ThrowIfAny();
            // A patch that changes nothing writes nothing (updated_at stays as it was).
            return await conn.QuerySingleOrDefaultAsync<OrganizationRow>("""
                UPDATE organizations SET require_reactivation_ack = @RequireReactivationAck, reminder_threshold_days = @ReminderThresholdDays,
                  escalation_threshold_days = @EscalationThresholdDays, honorarium_thresholds = @HonorariumThresholds,
                  digest_hour = @DigestHour, timezone = @Timezone, push_includes_reason = @PushIncludesReason,
                  certification_warning_days = @CertificationWarningDays
                WHERE id = @orgId
                  AND (require_reactivation_ack, reminder_threshold_days, escalation_threshold_days, honorarium_thresholds, digest_hour,
                       timezone, push_includes_reason, certification_warning_days)
                      IS DISTINCT FROM (@RequireReactivationAck, @ReminderThresholdDays, @EscalationThresholdDays, @HonorariumThresholds,
                                        @DigestHour, @Timezone, @PushIncludesReason, @CertificationWarningDays)
                RETURNING id, name, require_reactivation_ack, reminder_threshold_days, escalation_threshold_days, honorarium_thresholds,
                          digest_hour, timezone, push_includes_reason, certification_warning_days, created_at
                """, new { orgId, next.RequireReactivationAck, next.ReminderThresholdDays, next.EscalationThresholdDays,
                           next.HonorariumThresholds, DigestHour = (short)next.DigestHour, next.Timezone, next.PushIncludesReason,
                           next.CertificationWarningDays })
                   ?? current;
        }, ct);
        return row.ToResponse();
    }

    private static async Task<Created<ChapterResponse>> CreateChapter(
        Guid orgId, CreateChapterRequest body, ClaimsPrincipal user, OrgAccess access, CancellationToken ct)
    {
        var chapter = await CreateChapterAsync(access, user, orgId, body, ct);
        return TypedResults.Created($"/api/v1/organizations/{orgId}/chapters/{chapter.Id}", chapter);
    }

    /// <summary>Creates a chapter (system admin or org admin); a name the organisation already has is 409 with the error at `name`.</summary>
    public static async Task<ChapterResponse> CreateChapterAsync(OrgAccess access, ClaimsPrincipal user, Guid orgId, CreateChapterRequest body,
        CancellationToken ct)
    {
        var name = Validation.Clean(body.Name);
        new Validation().Check(name is { Length: <= 200 }, "name", "A name of 1 to 200 characters is required.").ThrowIfAny();
        return await access.AsAdminAsync(user, orgId, allowSystemAdmin: true, async (conn, _) =>
        {
            try
            {
                return await conn.QuerySingleAsync<ChapterResponse>(
                    "INSERT INTO chapters (organization_id, name) VALUES (@orgId, @name) RETURNING id, organization_id, name",
                    new { orgId, name });
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new ApiException(409, "conflict", $"This organisation already has a chapter named '{name}'.",
                    new Dictionary<string, string[]> { ["name"] = ["The organisation already has a chapter with this name."] });
            }
        }, ct);
    }

    private static async Task<Ok<Page<ChapterResponse>>> ListChapters(Guid orgId, ClaimsPrincipal user, Db db, CancellationToken ct) =>
        TypedResults.Ok(new Page<ChapterResponse>(await ChaptersAsync(db, user.PersonId(), orgId, ct), null));

    /// <summary>The organisation's chapters by name, for any member of it (404 for anyone else).</summary>
    public static Task<List<ChapterResponse>> ChaptersAsync(Db db, Guid personId, Guid orgId, CancellationToken ct) =>
        db.AsPersonAsync(personId, async s =>
        {
            if (s.Caller?.OrganizationId != orgId) throw ApiException.NotFound("Organisation");
            return (await s.Connection.QueryAsync<ChapterResponse>(new CommandDefinition(
                "SELECT id, organization_id, name FROM chapters WHERE organization_id = @orgId ORDER BY name", new { orgId },
                cancellationToken: ct))).ToList();
        }, ct);

    private sealed class OrganizationRow
    {
        public Guid Id { get; init; }
        public string Name { get; init; } = "";
        public bool RequireReactivationAck { get; init; }
        public int ReminderThresholdDays { get; init; }
        public int EscalationThresholdDays { get; init; }
        public int[] HonorariumThresholds { get; init; } = [];
        public short DigestHour { get; init; }
        public string Timezone { get; init; } = "";
        public bool PushIncludesReason { get; init; }
        public int[] CertificationWarningDays { get; init; } = [];
        public DateTime CreatedAt { get; init; }

        public OrganizationResponse ToResponse() => new(Id, Name, new OrganizationSettings(RequireReactivationAck,
            ReminderThresholdDays, EscalationThresholdDays, HonorariumThresholds, DigestHour, Timezone, PushIncludesReason,
            CertificationWarningDays), CreatedAt);
    }
}
