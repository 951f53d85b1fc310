using PoolGuard.LoadTest.Results;
using PoolGuard.LoadTest.Running;
using PoolGuard.LoadTest.Sampling;
using PoolGuard.LoadTest.Sweep;
using ScottPlot;

namespace PoolGuard.LoadTest.Report;

/// <summary>
/// The charts of a run, from its one-second points: throughput with the clients beside it, latency percentiles,
/// errors and dropped arrivals, and — when sampled — the database's connections and the gateway's pools; for a knee
/// search, throughput and p99 against the clients with the knee marked.
/// </summary>
public static class RunCharts
{
    public static IReadOnlyList<Chart> Of(IReadOnlyList<IntervalResult> intervals)
    {
        var charts = new List<Chart>();
        if (intervals.Count == 0)
        {
            return charts;
        }
        var at = intervals.Select(p => p.At).ToArray();
        charts.Add(Throughput(intervals, at));
        charts.Add(Latency(intervals, at));
        charts.Add(Errors(intervals, at));
        if (Connections(intervals, at) is { } connections)
        {
            charts.Add(connections);
        }
        if (Gateway(intervals, at) is { } gateway)
        {
            charts.Add(gateway);
        }
        return charts;
    }

    private static Chart Throughput(IReadOnlyList<IntervalResult> intervals, double[] at)
    {
        var plot = ChartStyle.New("Throughput", "seconds", "transactions per second");
        var tps = intervals.Select(p => p.Tps).ToArray();
        ChartStyle.Line(plot, at, tps, "TPS", ChartStyle.Throughput);
        if (intervals.Any(p => p.TargetRate is not null))
        {
            // The open model: what was asked for beside what was served; the gap between them is queueing or dropping.
            ChartStyle.Line(plot, at, [.. intervals.Select(p => p.TargetRate ?? double.NaN)], "target arrival rate", ChartStyle.Clients);
            return ChartStyle.Render(plot, "throughput", "Throughput and the target arrival rate over time",
                new ChartTable(["seconds", "TPS", "target rate"], [.. intervals.Select(p => (IReadOnlyList<double>)[p.At, p.Tps, p.TargetRate ?? double.NaN])]));
        }
        ChartStyle.Line(plot, at, [.. intervals.Select(p => (double)p.Clients)], "clients (right)", ChartStyle.Clients, right: true);
        plot.Axes.Right.Label.Text = "clients";
        return ChartStyle.Render(plot, "throughput", "Throughput and clients over time",
            new ChartTable(["seconds", "TPS", "clients"], [.. intervals.Select(p => (IReadOnlyList<double>)[p.At, p.Tps, p.Clients])]));
    }

    private static Chart Latency(IReadOnlyList<IntervalResult> intervals, double[] at)
    {
        var plot = ChartStyle.New("Latency", "seconds", "milliseconds");
        ChartStyle.Line(plot, at, [.. intervals.Select(p => p.Latency.P50)], "p50", ChartStyle.P50);
        ChartStyle.Line(plot, at, [.. intervals.Select(p => p.Latency.P95)], "p95", ChartStyle.P95);
        ChartStyle.Line(plot, at, [.. intervals.Select(p => p.Latency.P99)], "p99", ChartStyle.P99);
        return ChartStyle.Render(plot, "latency", "Latency percentiles over time",
            new ChartTable(["seconds", "p50 ms", "p95 ms", "p99 ms", "max ms"],
                [.. intervals.Select(p => (IReadOnlyList<double>)[p.At, p.Latency.P50, p.Latency.P95, p.Latency.P99, p.Latency.Max])]));
    }

    private static Chart Errors(IReadOnlyList<IntervalResult> intervals, double[] at)
    {
        var plot = ChartStyle.New("Errors", "seconds", "per interval");
        var errors = plot.Add.Bars(at, [.. intervals.Select(p => (double)p.Errors)]);
        errors.Color = ChartStyle.Errors;
        errors.LegendText = "errors";
        if (intervals.Any(p => p.Dropped > 0))
        {
            ChartStyle.Line(plot, at, [.. intervals.Select(p => (double)p.Dropped)], "dropped arrivals", ChartStyle.Dropped);
        }
        return ChartStyle.Render(plot, "errors", "Errors and dropped arrivals over time",
            new ChartTable(["seconds", "errors", "dropped"], [.. intervals.Select(p => (IReadOnlyList<double>)[p.At, p.Errors, p.Dropped])]));
    }

    private static Chart? Connections(IReadOnlyList<IntervalResult> intervals, double[] at) => Sampled(intervals, at, "database", "Database connections",
        "The database's connections over time (pg_stat_activity)",
        [
            (ResourceNames.DatabaseConnections, "connections", ChartStyle.Throughput),
            (ResourceNames.DatabaseActive, "active", ChartStyle.P50),
            (ResourceNames.DatabaseIdleInTransaction, "idle in transaction", ChartStyle.P95),
            (ResourceNames.DatabaseLockWaits, "waiting for a lock", ChartStyle.Dropped),
            (ResourceNames.DatabaseMaxConnections, "max_connections", ChartStyle.P99),
        ]);

    private static Chart? Gateway(IReadOnlyList<IntervalResult> intervals, double[] at) => Sampled(intervals, at, "gateway", "Gateway pools",
        "The gateway's clients and servers over time (/metrics)",
        [
            (ResourceNames.GatewayClientsActive, "clients active", ChartStyle.Throughput),
            (ResourceNames.GatewayClientsWaiting, "clients waiting", ChartStyle.P99),
            (ResourceNames.GatewayServersActive, "servers active", ChartStyle.P50),
            (ResourceNames.GatewayServersIdle, "servers idle", ChartStyle.Clients),
        ]);

    /// <summary>A chart of sampled figures; null when none of them was read. A missed sample is a gap (NaN), not a zero.</summary>
    private static Chart? Sampled(IReadOnlyList<IntervalResult> intervals, double[] at, string id, string heading, string title,
        IReadOnlyList<(string Name, string Label, Color Color)> series)
    {
        var present = series.Where(s => intervals.Any(p => p.Resources.ContainsKey(s.Name))).ToList();
        if (present.Count == 0)
        {
            return null;
        }
        var plot = ChartStyle.New(heading, "seconds", "connections");
        foreach (var (name, label, color) in present)
        {
            ChartStyle.Line(plot, at, [.. intervals.Select(p => p.Resources.GetValueOrDefault(name, double.NaN))], label, color);
        }
        return ChartStyle.Render(plot, id, title, new ChartTable(["seconds", .. present.Select(s => s.Label)],
            [.. intervals.Select(p => (IReadOnlyList<double>)[p.At, .. present.Select(s => p.Resources.GetValueOrDefault(s.Name, double.NaN))])]));
    }

    public static Chart Knee(KneeResult knee)
    {
        var plot = ChartStyle.New("Throughput and p99 against clients", "concurrent clients", "transactions per second");
        var clients = knee.Steps.Select(s => (double)s.Clients).ToArray();
        ChartStyle.Line(plot, clients, [.. knee.Steps.Select(s => s.Result.Tps)], "TPS", ChartStyle.Throughput);
        ChartStyle.Line(plot, clients, [.. knee.Steps.Select(s => s.Result.Latency.P99)], "p99 ms (right)", ChartStyle.P99, right: true);
        plot.Axes.Right.Label.Text = "p99 milliseconds";
        var line = plot.Add.VerticalLine(knee.Knee.Clients, 2, ChartStyle.Clients);
        line.LegendText = $"knee: {knee.Knee.Clients} client(s)";
        return ChartStyle.Render(plot, "knee", $"Throughput and p99 against concurrency, knee at {knee.Knee.Clients} client(s)",
            new ChartTable(["clients", "TPS", "p50 ms", "p99 ms", "in flight", "errors"],
                [.. knee.Steps.Select(s => (IReadOnlyList<double>)[s.Clients, s.Result.Tps, s.Result.Latency.P50, s.Result.Latency.P99, s.InFlight, s.Result.Errors])]));
    }

    /// <summary>A pool-size sweep: throughput and p99 against the pool size, the recommended size marked.</summary>
    public static Chart PoolSizes(PoolSweepResult sweep)
    {
        var plot = ChartStyle.New("Throughput and p99 against the pool size", "pool size (server connections)", "transactions per second");
        plot.ShowLegend(Alignment.LowerRight); // the throughput of the small pools is drawn upper left
        var sizes = sweep.Steps.Select(s => (double)s.PoolSize).ToArray();
        ChartStyle.Line(plot, sizes, [.. sweep.Steps.Select(s => s.Result.Tps)], "TPS", ChartStyle.Throughput);
        ChartStyle.Line(plot, sizes, [.. sweep.Steps.Select(s => s.Result.Latency.P99)], "p99 ms (right)", ChartStyle.P99, right: true);
        plot.Axes.Right.Label.Text = "p99 milliseconds";
        var limit = plot.Add.HorizontalLine(sweep.P99LimitMs, 1, ChartStyle.P95);
        limit.Axes.YAxis = plot.Axes.Right;
        limit.LegendText = $"p99 limit {PoolSizeSweep.N(sweep.P99LimitMs)} ms";
        var title = "Throughput and p99 against the pool size";
        if (sweep.Recommended is { } recommended)
        {
            var line = plot.Add.VerticalLine(recommended.PoolSize, 2, ChartStyle.Clients);
            line.LegendText = $"recommended: pool {recommended.PoolSize}";
            title += $", pool {recommended.PoolSize} recommended";
        }
        return ChartStyle.Render(plot, "pool-sizes", title,
            new ChartTable(["pool size", "TPS", "p50 ms", "p99 ms", "servers busy", "server ms", "wait ms", "errors"],
                [.. sweep.Steps.Select(s => (IReadOnlyList<double>)[s.PoolSize, s.Result.Tps, s.Result.Latency.P50, s.Result.Latency.P99, s.ServersBusy, s.ServerMs, s.WaitMs, s.Result.Errors])]));
    }
}
