namespace PoolGuard.Config.Values;

/// <summary>
/// Turns an unknown key into a helpful error: a typo close to a known key (edit distance ≤ 2, ignoring
/// case and underscores so "listen_port" finds "ListenPort") gets a "did you mean".
/// </summary>
internal static class KeySuggestions
{
    private const int MaxDistance = 2;

    public static string? Closest(string key, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = Math.Min(
                Distance(key.ToLowerInvariant(), candidate.ToLowerInvariant()),
                Distance(Squash(key), Squash(candidate)));
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return bestDistance <= MaxDistance ? best : null;
    }

    /// <summary><paramref name="head"/> (e.g. "unknown setting") plus "; did you mean 'X'?" when a known key is close.</summary>
    public static string WithSuggestion(string head, string key, IEnumerable<string> known) =>
        Closest(key, known) is { } suggestion ? $"{head}; did you mean '{suggestion}'?" : head;

    private static string Squash(string text) => text.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();

    /// <summary>Plain Levenshtein distance; keys are short, so the two-row version is plenty.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
