namespace Likeperson;

/// <summary>Where the implementation fills a gap in the API contract, it says so here (shown in the OpenAPI document).</summary>
public static class OpenApiNotes
{
    public const string Description = """
        The Likeperson HTTP API v1 (see API.md). Conventions: snake_case JSON, enums as lower snake_case strings,
        RFC 9457 problem responses with a stable `code`, UUID ids, RFC 3339 UTC timestamps, YYYY-MM-DD dates.

        Additions where the contract is silent:
        - `GET /api/v1/organizations/{org_id}` and `GET /api/v1/organizations/{org_id}/chapters` (any member of the organisation).
        - `GET /api/v1/contacts/{contact_id}` (in the caller's scope).
        - `PUT /api/v1/organizations/{org_id}/people/{person_id}/memberships` takes `{"memberships": [...]}`, the same shape as when creating a person,
          and answers 200 with the person. Every membership needs both `chapter_id` and `role` (422 `validation_failed` otherwise).
        - A system admin (`Auth:SystemAdmins`) gets 403 `forbidden` from setup calls other than creating organisations, chapters
          and people (settings, memberships, contacts); an org admin of another organisation gets 404.
        - Bearer tokens: HS256 ones (`Auth:JwtSecret`, `sub` = person id) and, with `Auth:Jwt:Authority`, the OpenID Connect
          provider's access tokens, chosen by `iss`; a provider identity linked to no person is 401 `identity_not_linked`.
        - `POST .../people/{person_id}/invitations` takes no body; 201 `{id, url, expires_at}` with `Location` = `url`. A
          coordinator outside the person's chapters gets 404, a peer mentor 403. `GET .../identities` and `DELETE
          .../identities/{id}` are for org admins (a coordinator gets 403); an identity of another person is 404.
        - `PATCH .../settings` with `{}` answers 200 and changes nothing; a missing body is 400 `malformed_request`.
        - Time zones must be IANA ids (Windows ids are 422). Enum values are read case-insensitively (`"Coordinator"` is `coordinator`);
          responses always use lower snake_case.
        - `certification_expires_at` may be given only for a person with a peer_mentor membership (422 otherwise).
        - Unknown routes and ids that are not UUIDs are 404 `not_found`; a repeated unique name (e.g. a chapter name) is 409 `conflict`.
        - Notifications: in-app rows are created with status `sent` (they are in the inbox); `unread` = not yet opened
          (sent or delivered). Receipts repeat harmlessly (same status → 204); a step back is 409 `status_regression`; items
          held for a digest, or carried by one, are not in the centre (404 for receipts; the `pause_digest` stands for them).
        - `GET /api/v1/notifications/undeliverable-count` (coordinators: their mentors; org admins: the organisation; others 403)
          → `{organization_id, undeliverable_count, failed_count}`.
        - `GET /api/v1/pauses/{pause_id}/notifications` answers `{items, next_cursor: null}` (one pause's log is short), oldest
          first; it is for the mentor's coordinators and org admins — the mentor gets 404 (their own notifications are in their centre).
          Rows nobody could receive appear with `recipient_id` null.
        - `PUT /api/v1/me/notification-preferences` updates the listed types only (each item needs type, enabled, channels,
          mode; a type at most once) and answers 200 with all four. An unknown type is 400.
        - `POST /api/v1/me/devices` answers 201 `{token, platform, created_at}`. A token another person of the caller's organisation
          had moves to the caller (a phone handed over). A token registered to a person of another organisation is never moved:
          409 `device_in_use` until that person signs out on the phone (`DELETE /api/v1/me/devices/{token}`) or push reports the
          token unregistered, so no organisation's notifications reach a phone still signed in for another without its person
          knowing. At most 20 tokens per person: registering one more drops the one registered (or re-registered) longest ago.
          `DELETE /api/v1/me/devices/{token}` of a token that is not the caller's is 404.
        - Push `data` values are strings (FCM's rule; null → ""), plus `notification_id` and `type` so apps can send receipts;
          `reason` is left out unless the organisation sets `push_includes_reason`. With `Push:Provider=none` no push rows exist.
        - Recipients: coordinators of the mentor's chapters at dispatch time (including one who acted), else org admins, else one
          undeliverable row. The mentor is told about their own pause/reactivation, an acknowledgement (`reactivation_confirmation`)
          and a hold (`pause_confirmation`, "Reactivation On Hold"); not about certification auto-pauses or deactivations. A hold
          tells coordinators `mentor_paused`. `honorarium_threshold_reached` goes to the coordinators of the mentor's chapters.
        - Assignments: timestamps carry microseconds (`2026-03-01T10:00:00.000000Z`). `honorarium_threshold_triggered` is null when the
          organisation has no honorarium thresholds, `{}` when it has some but this assignment's sequence is none of them, and
          `{"threshold_N": "<timestamp>"}` when the sequence is N.
        - `POST /api/v1/assignments`: `status` may be open (default) or pending (completed is 422). A coordinator may assign the mentors of the
          chapters they coordinate (any other mentor is 404); an org admin any mentor of the organisation; a mentor or contact of another
          organisation is 404, exactly like an id that does not exist. A peer mentor who sees the contact (through an assignment of their own) gets 403, anyone else out of scope 404.
        - `GET /api/v1/assignments`: newest first (created_at, then id); the filters narrow the caller's scope, so a chapter or mentor outside it
          gives an empty page. `stream_position` is 0 for an organisation whose stream is still empty.
        - `PATCH /api/v1/assignments/{id}` accepts only `status` and `notes`: any other member of an assignment is 422 `immutable_field`, an unknown
          member 422 `validation_failed`. `notes: null` (or blank) clears the notes. `{}` or values equal to the current ones answer 200 without a
          new version. A stale `If-Match` (checked first) is 412; `If-Match: *` matches any version; one entity tag per request.
          Any change to a completed assignment is 409 `assignment_closed`, also when it only repeats `completed`.
        - `POST /api/v1/assignments/{id}/activities` (the assigned mentor, the chapter's coordinators, org admins) answers 201 with
          `{id, assignment_id, occurred_at, kind, note, recorded_by, created_at, duration_minutes, participants, mode}`; `kind` is free text of
          1 to 50 characters (default `contact`), `note` at most 2000, `duration_minutes` 1 to 1440 (optional), `participants` at least 1
          (default 1), `mode` one of `in_person`, `phone`, `video`, `written` (optional); a value out of bounds is 422 `validation_failed`
          naming its field. An activity on a completed assignment is 409 `assignment_closed`; on an assignment whose mentor is not
          `active`, 422 `peer_mentor_not_active`.
        - Malformed text: a JSON body that is not valid UTF-8, holds a lone surrogate escape (`"\ud800"`), nests deeper than 64
          levels, repeats a member within one object, or is not well-formed JSON is 400 `malformed_request` on every endpoint,
          before anything is read or changed.
        - Writes per person: at most `Limits:WritesPerMinute` (default 120) POST, PUT, PATCH and DELETE requests per token subject
          per minute on each instance; the next is 429 `rate_limited` with `Retry-After` (seconds).
        - Development only: `GET /api/v1/demo/people` and `POST /api/v1/demo/tokens/{person_id}` mint tokens for the demo people.
        - Mentor status: a transition answers 200 with the mentor (as `GET /api/v1/mentors/{id}`) and `ETag`. Checks run in the order
          scope (404), role (403: the mentor calling acknowledge, hold, deactivate or certification), body (422), `If-Match` (412
          `version_mismatch`), status (409 `invalid_transition`), certification (422 `certification_expired`). `If-Match: *` matches any version.
        - Reactivate and acknowledge take no body (one is ignored); pause, hold and deactivate accept an empty body (deactivate then
          answers 422: its reason is required). Reasons are trimmed, blank means none; the field errors come from the SQL functions.
        - Acknowledging a pending reactivation while the certification is expired is 422 `certification_expired`, like reactivating.
          A mentor who is both the mentor and an org admin or coordinator acts as the mentor on their own record.
        - `PUT /api/v1/mentors/{id}/certification` `{expires_at}` (required date) raises the mentor's version but changes no status,
          writes no status log row and emits no stream event; it does not reactivate a certification-paused mentor (reactivate does).
        - `GET /api/v1/mentors/{id}/pauses` is not paged: all records, oldest first, `next_cursor` always null. `duration_days` counts whole
          days from `paused_at` to `ended_at` (to now while live).
        - `GET /api/v1/reports/engagement`: `from`/`to` are dates in the organisation's time zone (default its year to date; at most
          366 days; 422 on the field otherwise); a `chapter_id` outside the caller's scope is 404. Days count whole 24-hour days exactly
          as `duration_days`, each given to the period in which it completes (docs/reports.md). `Accept: text/csv` (UTF-8 with BOM) or the
          xlsx type gives the same report as a file with `Content-Disposition: attachment; filename="…"; filename*=UTF-8''…`.
        - `GET /api/v1/roster/paused`: a peer mentor's scope is themself; a `chapter_id` outside the caller's scope gives an empty page;
          `open_assignment_count` counts open and pending assignments; ties in `paused_at` are broken by mentor id (ascending).
          `sort` (optional) is `paused_since` (newest pause first), `expected_return` (soonest first, none last) or `name`; each puts
          overdue mentors first, breaks ties by mentor id and pages by its own cursor (a cursor of another sort, or an unknown sort, is 400).
          Without `sort` the order is newest pause first, overdue or not.
        - Event stream `GET /api/v1/events`: `topics` is a comma-separated subset of `assignments`, `mentors`, `notifications` (default all;
          an unknown or empty value is 400 `malformed_request`); `chapter_id` narrows assignment and mentor events to that chapter and leaves
          notifications (which belong to a person) alone; a chapter that is not the caller's organisation's is 404. `Last-Event-ID` (header,
          preferred) or `last_event_id` must be a non-negative integer (400 otherwise). Without either the stream starts at the current
          position. Comments are `: heartbeat`. `reset` has no `id` and `data: {"reason": "beyond_retention"|"unknown_position",
          "last_event_id": N, "pruned_through": P}`, and the server then ends the stream: refetch the snapshot and open a new stream with its
          `stream_position` (a position ahead of the organisation's stream is `unknown_position`). A client whose buffer
          (`Events:SubscriberBuffer` events) overflows is disconnected and resumes with `Last-Event-ID`.
          The server ends a stream with a comment `: end <reason>`: `token_expired` (at the token's or session's expiry),
          `access_ended` (within 30 s of the person leaving the organisation), `too_many_streams` (the oldest of a person's streams
          beyond 10 on one server, after `retry: 30000`), `server_shutting_down` (after a `retry:` of 1-2 s: reconnect with
          `Last-Event-ID`). Event data never holds a raw CR or LF; U+2028, U+2029 and U+0085 are ordinary characters inside it.
        - `GET /metrics` (OpenTelemetry's Prometheus exporter, per instance; counts only): `likeperson_stream_subscribers`,
          `likeperson_stream_db_queries_total`, `likeperson_stream_events_delivered_total`, `likeperson_outbox_dispatched_total`,
          `likeperson_jobs_runs_total` and more, plus ASP.NET Core's, Npgsql's and the runtime's. `Operations:Metrics`,
          `Operations:OpenApi`, `Operations:SwaggerUi` make `/metrics`, this document and `/swagger` `on`, `off` (404) or `token`
          (401 without a system admin's token or `Operations:AccessToken`); outside Development and Testing the defaults are
          token, token, off.
        - `GET /readyz`: anonymous callers get `{status}` only; a system admin (or `Operations:AccessToken`) also gets
          `schema_version`, `expected_schema_version` and `problems`.
        - Jobs: `POST /api/v1/jobs/{name}/run` answers when the run has finished, 200 with `{run_id, job, organization_id, trigger
          (scheduled|catch_up|manual), slot, status, started_at, finished_at, started_by, stats, error}`; a job that failed is still 200
          with `status` `failed` and `error`. One manual run of a job per organisation at a time: another while it runs is 409
          `job_running`. A manual run stops when its instance shuts down (recorded `failed`, error "Interrupted: …"); a run left
          `running` by an instance that died is failed by the next manual run of that job after `Jobs:Schedule:StuckAfter`. An unknown job (and the internal `retention`) is 404; a coordinator running any job but
          `certification-expiry`, or anyone else, 403. `GET /api/v1/jobs/runs` (coordinators and org admins; others 403) also takes
          `cursor`, newest first; an unknown `job` filter is 400.
        - `GET /api/v1/jobs/discrepancies?state=open|resolved|all&mentor_id=&limit=&cursor=` (org admins: the organisation;
          coordinators: the mentors of their chapters; others 403): reconciliation's findings, newest first, open by default, as
          `{id, run_id, mentor_id, mentor_display_name, kind, detail, found_at, last_seen_at, resolved_at}`; `kind` is
          missing_live_pause, unexpected_live_pause, status_mismatch, status_log_mismatch or status_log_gap. One open row per mentor
          and kind; later runs update `last_seen_at` and set `resolved_at` when it is gone. Nothing is repaired by the job.
        - `GET /readyz` answers 200 with `status` `degraded` and the reasons in `problems` when a job's last run failed, a run is stuck,
          a slot had no run 15 minutes after its time, or expired certifications are still active 30 minutes after the nightly slot.
        - `GET /api/v1/me` (any person): `{person: {id, display_name}, organization: {id, name, timezone}, roles, chapters: [{id, name, roles}]}`,
          `roles` among `org_admin`, `coordinator`, `peer_mentor`; read from the database, never from token claims. A subject that is no person is 404.
        - `GET /api/v1/public/chapters/{chapter_id}/mentors` (no authentication): `{items: [{display_name}]}`, the chapter's mentors who are
          `active`, whose certification has not expired in the organisation's time zone and who set `listed_publicly`
          (`PUT /api/v1/mentors/{id}/listing`, the mentor only: coordinators and admins 403). `ETag`, `Cache-Control: public, max-age=60`,
          304 on a matching `If-None-Match`; an unknown chapter is 404.
        - `GET /api/v1/assignments/{id}/activities?limit=&cursor=` (whoever may read the assignment; otherwise 404): its recorded
          activities newest first by `occurred_at`, `{id, assignment_id, occurred_at, kind, note, recorded_by, recorded_by_display_name,
          created_at, duration_minutes, participants, mode}`; the name is null where the caller may not see that person.
        """;
}
