using System.Text;
using System.Text.Json;

namespace Likeperson;

/// <summary>Every list response: the items and an opaque cursor for the next page (null on the last).</summary>
public record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>Limits and opaque keyset cursors (base64url JSON of the last row's sort key).</summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static int Limit(int? requested)
    {
        if (requested is null) return DefaultLimit;
        new Validation().Check(requested is >= 1 and <= MaxLimit, "limit", $"limit must be between 1 and {MaxLimit}.").ThrowIfAny();
        return requested.Value;
    }

    public static string Encode<TKey>(TKey key) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(key)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static TKey? Decode<TKey>(string? cursor) where TKey : class
    {
        if (string.IsNullOrEmpty(cursor)) return null;
        try
        {
            var b64 = cursor.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            return JsonSerializer.Deserialize<TKey>(Convert.FromBase64String(b64)) ?? throw new FormatException();
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw new ApiException(400, "malformed_request", "The cursor is not one this server issued.");
        }
    }
}
