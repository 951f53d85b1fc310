using System.Text;
using PoolGuard.Checks.Findings;

namespace PoolGuard.Checks.Sources.Gateways;

/// <summary>
/// Finds the line a setting of a PoolGuard configuration is written on, from its model path ("MaxServerConnections",
/// "Databases:app:MaxDbConnections"): the loader validates the model and keeps no positions outside itself, and a
/// finding must point at the line to change. The key is looked for as JSON writes it (MaxDbConnections) and as ini
/// writes it (max_db_connections); inside a database entry, after the entry's own line. Not found: the entry, else line 1.
/// </summary>
internal sealed class SettingLines(string file, string shown)
{
    private readonly string[] _lines = File.ReadAllLines(file);

    /// <summary>The line of a top-level setting when it is written; null when it is not.</summary>
    public int? Written(string modelPath)
    {
        var snake = Snake(modelPath);
        var index = Array.FindIndex(_lines, l => l.Contains($"\"{modelPath}\"", StringComparison.Ordinal) || l.TrimStart().StartsWith(snake, StringComparison.OrdinalIgnoreCase));
        return index >= 0 ? index + 1 : null;
    }

    public Location Find(string modelPath)
    {
        var parts = modelPath.Split(':');
        var from = 0;
        if (parts is ["Databases", var name, ..])
        {
            var entry = Array.FindIndex(_lines, l => StartsEntry(l, name));
            if (entry < 0)
            {
                return new Location(shown, 1, 1);
            }
            if (parts.Length == 2)
            {
                return new Location(shown, entry + 1, 1);
            }
            from = entry;
        }
        var key = parts[^1];
        var snake = Snake(key);
        for (var i = from; i < _lines.Length; i++)
        {
            var column = _lines[i].IndexOf(key, StringComparison.Ordinal) is >= 0 and var c ? c : _lines[i].IndexOf(snake, StringComparison.OrdinalIgnoreCase);
            if (column >= 0)
            {
                return new Location(shown, i + 1, column + 1);
            }
        }
        return new Location(shown, from + 1, 1);
    }

    private static bool StartsEntry(string line, string name)
    {
        var trimmed = line.TrimStart();
        return trimmed.StartsWith($"\"{name}\"", StringComparison.Ordinal)
            || (trimmed.StartsWith(name, StringComparison.Ordinal) && trimmed[name.Length..].TrimStart().StartsWith('='));
    }

    /// <summary>MaxDbConnections → max_db_connections.</summary>
    private static string Snake(string pascal)
    {
        var text = new StringBuilder();
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('_');
            }
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }
}
