using System.Reflection;
using PoolGuard.Gateway.Hosting;
using PoolGuard.Monitoring.Alerts;
using PoolGuard.Monitoring.Notify;
using PoolGuard.Monitoring.Watcher;

namespace PoolGuard.Http;

/// <summary>
/// Everything /metrics serves, in order, written by one method for both readers: the scrape (text) and the
/// alert engine (series). So a rule can name any series a scrape shows, and reads the same value.
/// </summary>
internal sealed class MetricsExposition(GatewayServer gateway, MeterAggregator meter, RuntimeMetrics runtime, DatabaseWatcher watcher, AlertNotifier notifier)
{
    private static readonly string Version =
        typeof(GatewayServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public string Text()
    {
        var text = new PrometheusText();
        Write(text);
        runtime.Write(text);
        return text.ToString();
    }

    /// <summary>The series the rules read: all but the process and runtime families (no rule reads them, and they cost a collection).</summary>
    public IReadOnlyList<MetricSeries> Series()
    {
        var series = new List<MetricSeries>(256);
        Write(PrometheusText.Collecting(series));
        return series;
    }

    private void Write(PrometheusText text)
    {
        PgBouncerMetrics.Write(text, gateway, Version);
        PoolMetrics.Write(text, gateway);
        OpenTelemetryMetrics.Write(text, meter);
        DatabaseMetrics.Write(text, watcher.Snapshot);
        NotifyMetrics.Write(text, notifier);
    }
}
