namespace Likeperson;

/// <summary>A refusal with its HTTP status and stable machine code; turned into a problem response in one place.</summary>
public sealed class ApiException(int status, string code, string detail, IDictionary<string, string[]>? errors = null)
    : Exception(detail)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public IDictionary<string, string[]>? Errors { get; } = errors;

    public static ApiException NotFound(string what) => new(404, "not_found", $"{what} was not found.");
    public static ApiException Forbidden(string detail) => new(403, "forbidden", detail);
}

/// <summary>Collects field errors so a request hears about all of them at once (422 validation_failed).</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = new();

    public Validation Check(bool ok, string field, string message)
    {
        if (!ok) Add(field, message);
        return this;
    }

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
            throw new ApiException(422, "validation_failed", "One or more fields are invalid.",
                _errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }

    /// <summary>Trims; blank means none.</summary>
    public static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
