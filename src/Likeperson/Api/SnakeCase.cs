using System.Collections.Concurrent;
using System.Text.Json;

namespace Likeperson;

/// <summary>Enums travel as lower snake_case strings, in JSON and in SQL alike.</summary>
public static class SnakeCase
{
    private static readonly ConcurrentDictionary<Type, Dictionary<string, object>> Parsers = new();

    public static string Of<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static T Parse<T>(string text) where T : struct, Enum =>
        (T)Parsers.GetOrAdd(typeof(T), _ => Enum.GetValues<T>().ToDictionary(v => Of(v), v => (object)v))[text];
}
