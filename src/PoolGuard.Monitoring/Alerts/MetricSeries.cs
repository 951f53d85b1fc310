namespace PoolGuard.Monitoring.Alerts;

/// <summary>One series as /metrics serves it: name, labels, value. The rules read exactly these.</summary>
public sealed record MetricSeries(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>Name and labels in one string, sorted by label name: the series' identity across evaluations.</summary>
    public string Key { get; } = Name + "{" + string.Join(",", Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}";
}
