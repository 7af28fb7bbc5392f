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
        - `PATCH .../settings` with `{}` answers 200 and changes nothing; a missing body is 400 `malformed_request`.
        - Time zones must be IANA ids (Windows ids are 422). Enum values are read case-insensitively (`"Coordinator"` is `coordinator`);
          responses always use lower snake_case.
        - `certification_expires_at` may be given only for a person with a peer_mentor membership (422 otherwise).
        - Unknown routes and ids that are not UUIDs are 404 `not_found`; a repeated unique name (e.g. a chapter name) is 409 `conflict`.
        - Development only: `GET /api/v1/demo/people` and `POST /api/v1/demo/tokens/{person_id}` mint tokens for the demo people.
        """;
}
