using System.Globalization;
using System.Text.Json;

namespace Likeperson.Tests.Foundation;

/// <summary>
/// The server's own OpenAPI document as a contract to check real answers against: the operation must declare the status,
/// the media type, and a schema the JSON body fits (types, formats, enums, required members, no undeclared members).
/// Covers the JSON Schema the framework generates (OpenAPI 3.1: type lists, $ref, oneOf/anyOf/allOf, additionalProperties).
/// </summary>
internal sealed class OpenApiContract(JsonElement doc)
{
    public static string Normalize(string template) => template.Length > 1 ? template.TrimEnd('/') : template;

    public JsonElement? Operation(string method, string template)
    {
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
            if (Normalize(path.Name) == Normalize(template) && path.Value.TryGetProperty(method.ToLowerInvariant(), out var op))
                return op;
        return null;
    }

    /// <summary>What about this answer the document does not declare (empty when it conforms).</summary>
    public List<string> Check(string method, string template, int status, string? mediaType, string body)
    {
        var errors = new List<string>();
        if (Operation(method, template) is not { } op)
            return [$"{method} {template} is not in the document"];
        if (!op.TryGetProperty("responses", out var responses) || !responses.TryGetProperty(status.ToString(CultureInfo.InvariantCulture), out var response))
            return [$"{method} {template} answered {status}, which the document does not declare"];
        var contents = response.TryGetProperty("content", out var c) ? c.EnumerateObject().ToList() : [];
        if (body.Length == 0)
        {
            if (contents.Count > 0) errors.Add($"{method} {template} {status}: no body, but the document declares {string.Join(", ", contents.Select(x => x.Name))}");
            return errors;
        }
        var declared = contents.FirstOrDefault(x => x.Name == mediaType);
        if (declared.Name is null)
            return [$"{method} {template} {status}: body of {mediaType}, the document declares [{string.Join(", ", contents.Select(x => x.Name))}]"];
        if (mediaType is "application/json" or "application/problem+json" && declared.Value.TryGetProperty("schema", out var schema))
            Conforms(JsonDocument.Parse(body).RootElement, schema, $"{method} {template} {status} $", errors);
        return errors;
    }

    private JsonElement Resolve(JsonElement schema)
    {
        while (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var r))
        {
            var name = r.GetString()!.Split('/')[^1];
            schema = doc.GetProperty("components").GetProperty("schemas").GetProperty(name);
        }
        return schema;
    }

    private void Conforms(JsonElement value, JsonElement schema, string at, List<string> errors)
    {
        schema = Resolve(schema);
        if (schema.ValueKind != JsonValueKind.Object) return; // true / {}: anything
        foreach (var keyword in new[] { "oneOf", "anyOf" })
            if (schema.TryGetProperty(keyword, out var branches))
            {
                var attempts = branches.EnumerateArray().Select(b => { var e = new List<string>(); Conforms(value, b, at, e); return e; }).ToList();
                if (attempts.All(e => e.Count > 0)) errors.Add($"{at}: fits no branch of {keyword} ({string.Join(" | ", attempts.Select(e => e[0]))})");
                return;
            }
        if (schema.TryGetProperty("allOf", out var all))
            foreach (var part in all.EnumerateArray()) Conforms(value, part, at, errors);
        if (schema.TryGetProperty("type", out var type))
        {
            var allowed = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToArray() : [type.GetString()!];
            var actual = KindOf(value);
            if (!allowed.Contains(actual) && !(actual == "integer" && allowed.Contains("number")))
            {
                errors.Add($"{at}: is {actual}, the document says {string.Join("|", allowed)}");
                return;
            }
        }
        if (schema.TryGetProperty("enum", out var values) && !values.EnumerateArray().Any(v => JsonElement.DeepEquals(v, value)))
            errors.Add($"{at}: {value.GetRawText()} is not one of the declared values");
        switch (value.ValueKind)
        {
            case JsonValueKind.String when schema.TryGetProperty("format", out var format):
                if (!FitsFormat(value.GetString()!, format.GetString())) errors.Add($"{at}: \"{value.GetString()}\" is no {format.GetString()}");
                break;
            case JsonValueKind.Array when schema.TryGetProperty("items", out var items):
                var i = 0;
                foreach (var item in value.EnumerateArray()) Conforms(item, items, $"{at}[{i++}]", errors);
                break;
            case JsonValueKind.Object:
                ObjectConforms(value, schema, at, errors);
                break;
        }
    }

    private void ObjectConforms(JsonElement value, JsonElement schema, string at, List<string> errors)
    {
        var hasProperties = schema.TryGetProperty("properties", out var properties);
        var hasAdditional = schema.TryGetProperty("additionalProperties", out var additional);
        if (schema.TryGetProperty("required", out var required))
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                if (!value.TryGetProperty(name, out _)) errors.Add($"{at}: lacks the required member {name}");
        if (!hasProperties && !hasAdditional) return; // a free-form object
        foreach (var member in value.EnumerateObject())
        {
            if (hasProperties && properties.TryGetProperty(member.Name, out var declared))
                Conforms(member.Value, declared, $"{at}.{member.Name}", errors);
            else if (hasAdditional && additional.ValueKind != JsonValueKind.False)
                Conforms(member.Value, additional, $"{at}.{member.Name}", errors);
            else
                errors.Add($"{at}: member {member.Name} is not declared");
        }
    }

    private static string KindOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => value.TryGetInt64(out _) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static bool FitsFormat(string text, string? format) => format switch
    {
        "uuid" => Guid.TryParse(text, out _),
        "date-time" => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "date" => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        _ => true,
    };
}
