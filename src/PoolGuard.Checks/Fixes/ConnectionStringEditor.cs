namespace PoolGuard.Checks.Fixes;

/// <summary>
/// Sets keywords in an Npgsql connection string as written: a keyword already there keeps its spelling and place and
/// gets the new value (whichever alias it uses: Max Pool Size, MaxPoolSize), a new one is appended, a removed one goes
/// with its separator. Everything else is left character for character.
/// </summary>
internal static class ConnectionStringEditor
{
    private static readonly Dictionary<string, string[]> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Maximum Pool Size"] = ["maximumpoolsize", "maxpoolsize"],
        ["Minimum Pool Size"] = ["minimumpoolsize", "minpoolsize"],
        ["Timeout"] = ["timeout"],
        ["Pooling"] = ["pooling"],
    };

    public static string Set(string text, IReadOnlyDictionary<string, string?> keywords)
    {
        var segments = text.Split(';').ToList();
        foreach (var (keyword, value) in keywords)
        {
            var names = Aliases.GetValueOrDefault(keyword) ?? [Normalise(keyword)];
            var index = segments.FindIndex(s => names.Contains(Normalise(s.Split('=')[0])));
            if (index >= 0 && value is null)
            {
                segments.RemoveAt(index);
            }
            else if (index >= 0)
            {
                var eq = segments[index].IndexOf('=', StringComparison.Ordinal);
                segments[index] = $"{segments[index][..(eq + 1)]}{value}";
            }
            else if (value is not null)
            {
                var end = segments.Count > 0 && segments[^1].Trim().Length == 0 ? segments.Count - 1 : segments.Count; // "…;" ends with an empty segment
                segments.Insert(end, $"{keyword}={value}");
            }
        }
        return string.Join(';', segments);
    }

    private static string Normalise(string key) => key.Replace(" ", "", StringComparison.Ordinal).Trim().ToLowerInvariant();
}
