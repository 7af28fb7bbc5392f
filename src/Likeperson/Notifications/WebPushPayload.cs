using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Likeperson.Notifications;

/// <summary>
/// What the service worker receives (Web/wwwroot/sw.js shows it): the row's title and body in the recipient's language,
/// its deep link, type and id, the mentor, a tag per mentor (so a pause and its reactivation replace each other on the
/// device instead of piling up) and the app's icon. Kept well inside the 4096 bytes one aes128gcm record may carry
/// (RFC 8291 §4: 3993 bytes of plaintext): a body too long for it is shortened.
/// </summary>
public static class WebPushPayload
{
    public const int MaxBytes = 3000;
    public const string Icon = "/assets/icons/icon-192.png";

    public static string For(PushRow row)
    {
        var data = JsonNode.Parse(row.Data) as JsonObject ?? [];
        var deepLink = data["deep_link"]?.GetValue<string>() ?? "/notifications";
        var mentor = row.MentorId?.ToString() ?? data["mentor_id"]?.GetValue<string>();
        var body = row.Body;
        while (true)
        {
            var json = new JsonObject
            {
                ["title"] = row.Title, ["body"] = body, ["deep_link"] = deepLink, ["type"] = row.Type,
                ["notification_id"] = row.Id.ToString(), ["mentor_id"] = mentor,
                ["tag"] = mentor is null ? $"notification-{row.Id}" : $"mentor-{mentor}", ["icon"] = Icon,
            }.ToJsonString(Options);
            var size = Encoding.UTF8.GetByteCount(json);
            if (size <= MaxBytes || body.Length == 0) return json;
            body = body[..Math.Max(0, body.Length - (size - MaxBytes) - 1)].TrimEnd() + "…";
        }
    }

    private static readonly JsonSerializerOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
