using System.Globalization;

namespace PoolGuard.LoadTest.Sampling;

/// <summary>
/// Reads the Prometheus text exposition far enough to add up families: each sample line is
/// <c>name{labels} value [timestamp]</c>; comments and other families are skipped, and so is a line that does not parse.
/// </summary>
public static class MetricsExposition
{
    /// <summary>For each wanted family, the sum (or, for the names in <paramref name="maxOf"/>, the largest) of its samples; absent families are left out.</summary>
    public static Dictionary<string, double> Aggregate(string text, IReadOnlySet<string> families, IReadOnlySet<string> maxOf)
    {
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            var line = raw.Trim();
            if (line.IsEmpty || line[0] == '#')
            {
                continue;
            }
            var nameEnd = line.IndexOfAny('{', ' ');
            if (nameEnd <= 0)
            {
                continue;
            }
            var name = line[..nameEnd].ToString();
            if (!families.Contains(name))
            {
                continue;
            }
            // Label values may hold spaces and braces, but never an unescaped closing brace followed by the value.
            var rest = line[nameEnd] == '{' ? line[(line.LastIndexOf('}') + 1)..] : line[nameEnd..];
            var value = rest.Trim();
            var space = value.IndexOf(' ');
            if (space > 0)
            {
                value = value[..space];
            }
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || double.IsNaN(number))
            {
                continue;
            }
            totals[name] = totals.TryGetValue(name, out var sum) ? (maxOf.Contains(name) ? Math.Max(sum, number) : sum + number) : number;
        }
        return totals;
    }
}
