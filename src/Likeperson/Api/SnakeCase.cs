using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Likeperson;

/// <summary>Enums travel as lower snake_case strings, in JSON and in SQL alike.</summary>
public static class SnakeCase
{
    private static readonly ConcurrentDictionary<Type, Dictionary<string, object>> Parsers = new();

    /// <summary>
    /// The one JSON shape of this server: snake_case names, enums as snake_case strings (numbers refused), dictionary keys
    /// as they are. The API's bodies (LikepersonApp configures the framework with it) and JSON built by SQL read alike.
    /// </summary>
    public static readonly JsonSerializerOptions Json = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        return options;
    }

    public static string Of<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static T Parse<T>(string text) where T : struct, Enum =>
        (T)Parsers.GetOrAdd(typeof(T), _ => Enum.GetValues<T>().ToDictionary(v => Of(v), v => (object)v))[text];
}
