using System.Text;

namespace PoolGuard.Config.PgBouncer;

/// <summary>
/// A line parser for pgbouncer.ini that keeps line numbers, which Microsoft.Extensions.Configuration.Ini
/// drops. It follows PgBouncer: "[section]" headers; ';' or '#' start a comment only at the start of a
/// line; <c>key = value</c> with the value running to the end of the line; a key may be double-quoted
/// ("my-db" = …) with "" for a quote; and <c>%include file</c> splices another file in place.
/// Messages about a bad line never repeat the line, which may hold a password.
/// </summary>
internal static class IniFileReader
{
    public static readonly string[] Sections = ["pgbouncer", "databases", "users", "peers", "watch", "alerts"];

    // PgBouncer stops at the same depth; it also ends include cycles.
    private const int MaxIncludeDepth = 10;

    private const string Include = "%include";

    // Section state while reading: before any header, and inside a header we do not know (already reported).
    private const string NoSection = "";
    private const string UnknownSection = "?";

    public static List<IniEntry> Read(string file, ConfigDiagnostics diagnostics)
    {
        var entries = new List<IniEntry>();
        var section = NoSection;
        ReadInto(file, depth: 0, ref section, entries, diagnostics);
        return entries;
    }

    private static void ReadInto(string file, int depth, ref string section, List<IniEntry> entries, ConfigDiagnostics diagnostics)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(file, "file", $"cannot be read: {e.Message}");
            return;
        }

        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index].Trim();
            var location = $"line {index + 1}";
            if (line.Length == 0 || line[0] is ';' or '#')
            {
                continue;
            }

            if (line.StartsWith(Include, StringComparison.Ordinal) && (line.Length == Include.Length || char.IsWhiteSpace(line[Include.Length])))
            {
                var target = line[Include.Length..].Trim();
                // PgBouncer resolves includes against its working directory; next to the including file
                // is what people mean and does not change with where PoolGuard is started.
                var included = Path.GetFullPath(target, Path.GetDirectoryName(file)!);
                if (target.Length == 0)
                {
                    diagnostics.Error(file, location, "%include needs a file name");
                }
                else if (depth + 1 > MaxIncludeDepth)
                {
                    diagnostics.Error(file, location, $"%include nested deeper than {MaxIncludeDepth} files (an include cycle?)");
                }
                else if (!File.Exists(included))
                {
                    diagnostics.Error(file, location, $"included file '{included}' not found");
                }
                else
                {
                    ReadInto(included, depth + 1, ref section, entries, diagnostics);
                }

                continue;
            }

            if (line[0] == '[')
            {
                section = ReadHeader(line, file, location, diagnostics);
                continue;
            }

            if (!TrySplit(line, out var key, out var value))
            {
                diagnostics.Error(file, location, "expected 'key = value', a '[section]' header or a comment");
                continue;
            }

            if (section == NoSection)
            {
                diagnostics.Error(file, location, $"setting '{key}' is outside any section; put it under [pgbouncer], [databases] or [users]");
            }
            else if (section != UnknownSection)
            {
                entries.Add(new IniEntry(file, index + 1, section, key, value));
            }
        }
    }

    private static string ReadHeader(string line, string file, string location, ConfigDiagnostics diagnostics)
    {
        if (!line.EndsWith(']'))
        {
            diagnostics.Error(file, location, "section header is missing its closing ']'");
            return UnknownSection;
        }

        var name = line[1..^1].Trim().ToLowerInvariant();
        if (Array.IndexOf(Sections, name) >= 0)
        {
            return name;
        }

        diagnostics.Error(file, location, $"unknown section [{name}]; pgbouncer.ini has [pgbouncer], [databases], [users] and [peers], and PoolGuard adds [watch]");
        return UnknownSection;
    }

    private static bool TrySplit(string line, out string key, out string value)
    {
        var rest = line;
        if (line[0] == '"')
        {
            // A quoted name: SQL identifier quoting, "" stands for one quote.
            var name = new StringBuilder();
            var end = -1;
            for (var i = 1; i < line.Length; i++)
            {
                if (line[i] != '"')
                {
                    name.Append(line[i]);
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    name.Append('"');
                    i++;
                }
                else
                {
                    end = i;
                    break;
                }
            }

            key = name.ToString();
            rest = end < 0 ? "" : line[(end + 1)..].TrimStart();
            value = rest.Length > 0 ? rest[1..].Trim() : "";
            return end >= 0 && key.Length > 0 && rest.StartsWith('=');
        }

        var equals = rest.IndexOf('=', StringComparison.Ordinal);
        key = equals > 0 ? rest[..equals].Trim() : "";
        value = equals > 0 ? rest[(equals + 1)..].Trim() : "";
        return key.Length > 0;
    }
}
