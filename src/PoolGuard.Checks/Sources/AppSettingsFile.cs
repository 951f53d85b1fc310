using System.Globalization;
using System.Text;
using System.Text.Json;
using PoolGuard.Checks.Findings;

namespace PoolGuard.Checks.Sources;

/// <summary>
/// A .NET appsettings*.json: every string value that is an Npgsql connection string, wherever it sits
/// (ConnectionStrings:Main, or a custom section), with its line and column. Comments and trailing commas are
/// read as .NET's configuration reads them. A file that does not parse is a finding, never a skip.
/// </summary>
internal sealed class AppSettingsFile : IConfigReader
{
    public bool Matches(string path)
    {
        var name = Path.GetFileName(path);
        return name.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
    }

    public void Read(ConfigFile file, CheckInputs inputs)
    {
        // A file counts whole or not at all: pools read before a syntax error are not the file's pools.
        var found = new CheckInputs();
        var shownPath = file.Shown;
        var bytes = File.ReadAllBytes(file.Path);
        var lines = LineStarts(bytes);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var pathStack = new List<string>();
        string? property = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.GetString();
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        pathStack.Add(property ?? "");
                        property = null;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        pathStack.RemoveAt(pathStack.Count - 1);
                        break;
                    case JsonTokenType.String:
                        var value = reader.GetString()!;
                        if (ConnectionStrings.Recognise(value))
                        {
                            var (line, column) = Position(lines, reader.TokenStartIndex);
                            var name = string.Join(':', pathStack.Where(p => p.Length > 0).Append(property ?? ""));
                            ConnectionStrings.Add(value, new Location(shownPath, line, column), file.Application, name.Trim(':'), found);
                        }
                        property = null;
                        break;
                    default:
                        property = null;
                        break;
                }
            }
            inputs.Pools.AddRange(found.Pools);
            inputs.Findings.AddRange(found.Findings);
        }
        catch (JsonException ex)
        {
            inputs.Unreadable(new Location(shownPath, (int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1),
                $"not valid JSON, so its connection strings were not checked: {FirstSentence(ex.Message)}");
        }
    }

    private static List<long> LineStarts(byte[] bytes)
    {
        var starts = new List<long> { 0 };
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                starts.Add(i + 1);
            }
        }
        return starts;
    }

    /// <summary>1-based line and column (in characters) of a byte offset.</summary>
    private static (int Line, int Column) Position(List<long> lineStarts, long offset)
    {
        var index = lineStarts.BinarySearch(offset);
        var line = index >= 0 ? index : ~index - 1;
        return (line + 1, (int)(offset - lineStarts[line]) + 1);
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return (end > 0 ? message[..(end + 1)] : message).Trim();
    }
}
