using System.Text.Json;
using System.Text.Json.Serialization;

namespace Likeperson;

/// <summary>
/// JSON text that PostgreSQL already rendered (assignment_json and friends), written into a response as it is: no parse,
/// no copy, no second rendering. The database is the one place the shape is built.
/// </summary>
[JsonConverter(typeof(SqlJsonConverter))]
public readonly record struct SqlJson(string Text);

public sealed class SqlJsonConverter : JsonConverter<SqlJson>
{
    public override SqlJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var doc = JsonDocument.ParseValue(ref reader);
        return new SqlJson(doc.RootElement.GetRawText());
    }

    // PostgreSQL's json output is valid JSON; checking it again is the cost this type exists to avoid.
    public override void Write(Utf8JsonWriter writer, SqlJson value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Text, skipInputValidation: true);
}
