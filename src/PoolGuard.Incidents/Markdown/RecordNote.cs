using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace PoolGuard.Incidents.Markdown;

/// <summary>
/// What an exported postmortem carries for the next import besides what people read: an HTML comment at the end of
/// a line, `&lt;!-- poolguard {"kind":"hypothesis","path":"P1"} --&gt;`, invisible when the Markdown is rendered. With
/// it, import → export → import gives the same record: the kinds and paths a reviewer corrected are not guessed again.
/// </summary>
internal static partial class RecordNote
{
    public static string Write(IReadOnlyDictionary<string, string> values) =>
        values.Count == 0 ? "" : $" <!-- poolguard {JsonSerializer.Serialize(new Dictionary<string, string>(values), RecordNoteJson.Default.DictionaryStringString)} -->";

    /// <summary>The line without its note, and the note's values (null when it has none, or one that does not parse).</summary>
    public static (string Text, Dictionary<string, string>? Values) Split(string line)
    {
        var match = Note().Match(line);
        if (!match.Success)
        {
            return (line, null);
        }
        try
        {
            return (line[..match.Index].TrimEnd(), JsonSerializer.Deserialize(match.Groups["json"].Value, RecordNoteJson.Default.DictionaryStringString));
        }
        catch (JsonException)
        {
            return (line, null);
        }
    }

    [GeneratedRegex(@"\s*<!--\s*poolguard\s+(?<json>\{.*\})\s*-->\s*$")]
    private static partial Regex Note();
}

/// <summary>The notes' JSON: the default encoder escapes &lt; and &gt;, so a value can never end the comment.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class RecordNoteJson : JsonSerializerContext;
