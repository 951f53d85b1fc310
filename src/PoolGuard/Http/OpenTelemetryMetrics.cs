using PoolGuard.Gateway.Telemetry;

namespace PoolGuard.Http;

/// <summary>
/// The db.client.connection.* family in Prometheus form, named as the OpenTelemetry Prometheus exporter
/// names them: dots become underscores, the unit "s" becomes a _seconds suffix, annotation units
/// ({connection}) are dropped, counters get _total, up-down counters are gauges; attributes become
/// labels the same way (db_client_connection_pool_name, db_client_connection_state).
/// </summary>
internal static class OpenTelemetryMetrics
{
    private const string PoolLabel = "db_client_connection_pool_name";
    private const string StateLabel = "db_client_connection_state";

    private static readonly (string Instrument, string Name, string Help)[] Gauges =
    [
        ("db.client.connection.count", "db_client_connection_count", "Connections open now, by state: idle (sv_idle) or used (sv_active + sv_used + sv_login)"),
        ("db.client.connection.idle.max", "db_client_connection_idle_max", "The most idle connections the pool keeps (its pool size)"),
        ("db.client.connection.idle.min", "db_client_connection_idle_min", "The fewest idle connections the pool keeps (min_pool_size)"),
        ("db.client.connection.max", "db_client_connection_max", "The most connections the pool may open (its pool size)"),
        ("db.client.connection.pending_requests", "db_client_connection_pending_requests", "Clients waiting for a connection (cl_waiting)"),
    ];

    private static readonly (string Instrument, string Name, string Help)[] Histograms =
    [
        ("db.client.connection.create_time", "db_client_connection_create_time_seconds", "Time to open a server connection: TCP, TLS and login"),
        ("db.client.connection.wait_time", "db_client_connection_wait_time_seconds", "Time a client waited for a server connection"),
        ("db.client.connection.use_time", "db_client_connection_use_time_seconds", "Time between a client getting a server connection and giving it back"),
    ];

    /// <summary>
    /// PoolGuard's own observable instruments beyond the db.client.connection.* family (refusals,
    /// failures, reloads, caps), each a family named by <see cref="PrometheusNames"/> with every tag as a label.
    /// </summary>
    private static void WriteOthers(PrometheusText text, IReadOnlyList<MeterAggregator.Observation> observed)
    {
        var known = Gauges.Select(g => g.Instrument).ToHashSet(StringComparer.Ordinal);
        foreach (var family in observed.Where(o => !known.Contains(o.Instrument)).GroupBy(o => o.Instrument).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var first = family.First();
            var name = PrometheusNames.Metric(first.Instrument, first.Source.Unit, first.IsCounter);
            text.Family(name, first.IsCounter ? "counter" : "gauge", first.Source.Description ?? first.Instrument);
            foreach (var o in family)
            {
                var labels = o.Tags.Select(t => (PrometheusNames.Label(t.Key), t.Value)).ToArray();
                text.Sample(name, o.Value, labels);
            }
        }
    }

    public static void Write(PrometheusText text, MeterAggregator meter)
    {
        var observed = meter.Observe();
        foreach (var (instrument, name, help) in Gauges)
        {
            text.Family(name, "gauge", help);
            foreach (var o in observed)
            {
                if (o.Instrument != instrument)
                {
                    continue;
                }
                if (o.State is { } state)
                {
                    text.Sample(name, o.Value, (PoolLabel, o.Pool), (StateLabel, state));
                }
                else
                {
                    text.Sample(name, o.Value, (PoolLabel, o.Pool));
                }
            }
        }

        WriteOthers(text, observed);

        var accumulated = meter.Accumulated();
        text.Family("db_client_connection_timeouts_total", "counter", "Clients that gave up waiting for a connection after query_wait_timeout");
        foreach (var series in accumulated)
        {
            if (series.Instrument == "db.client.connection.timeouts")
            {
                text.Sample("db_client_connection_timeouts_total", series.Count, (PoolLabel, series.Pool));
            }
        }
        foreach (var (instrument, name, help) in Histograms)
        {
            text.Family(name, "histogram", help);
            foreach (var series in accumulated)
            {
                if (series.Instrument != instrument)
                {
                    continue;
                }
                var cumulative = 0L;
                var bounds = GatewayMetrics.DurationBuckets;
                for (var i = 0; i < series.Buckets.Length; i++)
                {
                    cumulative += series.Buckets[i];
                    var le = i < bounds.Count ? PrometheusText.Number(bounds[i]) : "+Inf";
                    text.Sample(name + "_bucket", cumulative, (PoolLabel, series.Pool), ("le", le));
                }
                text.Sample(name + "_sum", series.Sum, (PoolLabel, series.Pool));
                text.Sample(name + "_count", series.Count, (PoolLabel, series.Pool));
            }
        }
    }
}
