using Dapper;
using Likeperson.Database;

namespace Likeperson.Web;

/// <summary>
/// The language a person's notifications are written in follows the language they use the web UI in: recorded at sign-in
/// when they have none yet, and whenever they switch it in the header (person_language_set, migration 0015).
/// </summary>
public static class PersonLanguage
{
    public static Task SetAsync(Db db, Guid person, string language, bool onlyIfUnset, CancellationToken ct) =>
        db.AsPersonAtOnceAsync(person, new Statement<int>("SELECT 1 FROM person_language_set(@language, @onlyIfUnset)",
            new DynamicParameters(new { language, onlyIfUnset }), results => results.ReadSingleAsync<int>()), ct);
}
