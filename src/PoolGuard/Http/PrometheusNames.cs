using System.Text;

namespace PoolGuard.Http;

/// <summary>
/// OpenTelemetry instrument and attribute names as Prometheus names, the way the OpenTelemetry
/// Prometheus exporter writes them: characters Prometheus does not allow become underscores, the
/// unit becomes a suffix (s → _seconds, By → _bytes, 1 → _ratio on gauges; {annotations} are
/// dropped), and counters end in _total.
/// </summary>
internal static class PrometheusNames
{
    public static string Metric(string instrument, string? unit, bool counter)
    {
        var name = Sanitize(instrument);
        if (UnitSuffix(unit, counter) is { } suffix && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name += "_" + suffix;
        }
        if (counter && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }
        return name;
    }

    public static string Label(string key) => Sanitize(key);

    private static string? UnitSuffix(string? unit, bool counter)
    {
        if (string.IsNullOrEmpty(unit) || unit.StartsWith('{'))
        {
            return null;
        }
        return unit switch
        {
            "s" => "seconds",
            "ms" => "milliseconds",
            "By" => "bytes",
            "1" => counter ? null : "ratio",
            _ => Sanitize(unit.Replace("/", "_per_", StringComparison.Ordinal)),
        };
    }

    private static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }
        if (builder.Length > 0 && char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }
        return builder.ToString();
    }
}
