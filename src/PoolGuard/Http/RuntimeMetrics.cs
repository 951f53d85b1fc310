using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace PoolGuard.Http;

/// <summary>
/// The process's and the .NET runtime's own metrics — CPU time, memory, threads (OpenTelemetry's
/// process instrumentation) and GC, heap, thread pool, lock contention, exceptions (its runtime
/// instrumentation) — aggregated by the OpenTelemetry SDK and written in Prometheus form at each
/// scrape: a pull reader, so nothing is collected between scrapes.
/// </summary>
internal sealed class RuntimeMetrics : IDisposable
{
    private readonly ScrapeExporter _exporter = new();
    private readonly BaseExportingMetricReader _reader;
    private readonly MeterProvider _provider;
    private readonly Lock _scrape = new();

    public RuntimeMetrics()
    {
        _reader = new BaseExportingMetricReader(_exporter) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative };
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddRuntimeInstrumentation()
            .AddProcessInstrumentation()
            .AddReader(_reader)
            .Build();
    }

    /// <summary>Collects now and appends every family to <paramref name="text"/>.</summary>
    public void Write(PrometheusText text)
    {
        lock (_scrape)
        {
            _exporter.Target = text;
            try
            {
                _reader.Collect(timeoutMilliseconds: 2000);
            }
            finally
            {
                _exporter.Target = null;
            }
        }
    }

    public void Dispose() => _provider.Dispose();

    private sealed class ScrapeExporter : BaseExporter<Metric>
    {
        public PrometheusText? Target { get; set; }

        public override ExportResult Export(in Batch<Metric> batch)
        {
            if (Target is { } text)
            {
                foreach (var metric in batch)
                {
                    Write(text, metric);
                }
            }
            return ExportResult.Success;
        }

        private static void Write(PrometheusText text, Metric metric)
        {
            var counter = metric.MetricType is MetricType.LongSum or MetricType.DoubleSum;
            var histogram = metric.MetricType == MetricType.Histogram;
            if (metric.MetricType == MetricType.ExponentialHistogram)
            {
                return; // not produced by these instrumentations; Prometheus text has no form for it
            }
            var name = PrometheusNames.Metric(metric.Name, metric.Unit, counter);
            text.Family(name, counter ? "counter" : histogram ? "histogram" : "gauge",
                string.IsNullOrEmpty(metric.Description) ? metric.Name : metric.Description);
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var labels = new List<(string, string)>();
                foreach (var tag in point.Tags)
                {
                    labels.Add((PrometheusNames.Label(tag.Key), Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));
                }
                if (histogram)
                {
                    long cumulative = 0;
                    foreach (var bucket in point.GetHistogramBuckets())
                    {
                        cumulative += bucket.BucketCount;
                        var le = double.IsPositiveInfinity(bucket.ExplicitBound) ? "+Inf" : PrometheusText.Number(bucket.ExplicitBound);
                        text.Sample(name + "_bucket", cumulative, [.. labels, ("le", le)]);
                    }
                    text.Sample(name + "_sum", point.GetHistogramSum(), [.. labels]);
                    text.Sample(name + "_count", point.GetHistogramCount(), [.. labels]);
                    continue;
                }
                var value = metric.MetricType switch
                {
                    MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong(),
                    MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => point.GetSumDouble(),
                    MetricType.LongGauge => point.GetGaugeLastValueLong(),
                    _ => point.GetGaugeLastValueDouble(),
                };
                text.Sample(name, value, [.. labels]);
            }
        }
    }
}
