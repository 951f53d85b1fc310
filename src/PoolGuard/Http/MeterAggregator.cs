using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PoolGuard.Gateway.Telemetry;

namespace PoolGuard.Http;

/// <summary>
/// Listens to one gateway's "PoolGuard" meter and keeps what /metrics prints of it: per pool, the
/// buckets, sum and count of each duration histogram and the timeout counter's total. Gauges are not
/// kept: <see cref="Observe"/> asks the observable instruments at scrape time, so they read the
/// pool snapshot of that moment. Recording takes a short per-series lock and never allocates once a
/// pool's series exists (the first measurement of a new pool creates it); finding the series takes no shared lock.
/// </summary>
internal sealed class MeterAggregator : IDisposable
{
    private static readonly double[] Bounds = [.. GatewayMetrics.DurationBuckets];

    private readonly MeterListener _listener = new();
    private readonly Meter _meter;
    // Per instrument (the listener's state for it), series by pool name: found without a global lock.
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Series>> _series = new(StringComparer.Ordinal);
    // Filled only while Observe runs, under _observeLock, so concurrent scrapes do not mix.
    private readonly Lock _observeLock = new();
    private List<Observation>? _observations;

    public MeterAggregator(GatewayMetrics metrics)
    {
        _meter = metrics.Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _meter))
            {
                listener.EnableMeasurementEvents(instrument, _series.GetOrAdd(instrument.Name, _ => new(StringComparer.Ordinal)));
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, state) => Add(instrument.Name, state, value, tags));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) =>
        {
            if (instrument.IsObservable)
            {
                _observations?.Add(new(instrument, value, Copy(tags)));
            }
            else
            {
                Add(instrument.Name, state, value, tags);
            }
        });
        _listener.Start();
    }

    /// <summary>One reading of an observable instrument, with its tags (at scrape time only, so copying them is fine).</summary>
    public sealed record Observation(Instrument Source, long Value, IReadOnlyList<KeyValuePair<string, string>> Tags)
    {
        public string Instrument => Source.Name;

        public string Pool => TagValue(GatewayMetrics.PoolNameTag) ?? "";

        public string? State => TagValue(GatewayMetrics.StateTag);

        /// <summary>A counter (only ever rises) rather than a gauge.</summary>
        public bool IsCounter => Source is ObservableCounter<long>;

        private string? TagValue(string key) => Tags.FirstOrDefault(t => t.Key == key).Value;
    }

    private static KeyValuePair<string, string>[] Copy(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new KeyValuePair<string, string>[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            copy[i] = new(tags[i].Key, tags[i].Value as string ?? Convert.ToString(tags[i].Value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
        }
        return copy;
    }

    /// <summary>A histogram's or counter's accumulated values for one pool.</summary>
    public sealed class Series(string instrument, string pool)
    {
        public string Instrument { get; } = instrument;
        public string Pool { get; } = pool;
        /// <summary>Count per bucket of <see cref="GatewayMetrics.DurationBuckets"/>, plus one for +Inf (not cumulative).</summary>
        public long[] Buckets { get; } = new long[GatewayMetrics.DurationBuckets.Count + 1];
        public double Sum { get; set; }
        public long Count { get; set; }
        public Lock Lock { get; } = new();
    }

    /// <summary>Every gauge's current readings.</summary>
    public IReadOnlyList<Observation> Observe()
    {
        lock (_observeLock)
        {
            _observations = [];
            _listener.RecordObservableInstruments();
            var result = _observations;
            _observations = null;
            return result;
        }
    }

    /// <summary>Copies of the histogram and counter series, sorted by instrument then pool.</summary>
    public IReadOnlyList<(string Instrument, string Pool, long[] Buckets, double Sum, long Count)> Accumulated()
    {
        var all = _series.Values.SelectMany(pools => pools.Values).ToList();
        var result = new List<(string, string, long[], double, long)>(all.Count);
        foreach (var s in all.OrderBy(s => s.Instrument, StringComparer.Ordinal).ThenBy(s => s.Pool, StringComparer.Ordinal))
        {
            lock (s.Lock)
            {
                result.Add((s.Instrument, s.Pool, (long[])s.Buckets.Clone(), s.Sum, s.Count));
            }
        }
        return result;
    }

    private static void Add(string instrument, object? state, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (state is not ConcurrentDictionary<string, Series> pools)
        {
            return;
        }
        var pool = Tag(tags, GatewayMetrics.PoolNameTag);
        if (!pools.TryGetValue(pool, out var series))
        {
            series = pools.GetOrAdd(pool, static (name, instrument) => new Series(instrument, name), instrument);
        }
        var bucket = 0;
        while (bucket < Bounds.Length && value > Bounds[bucket])
        {
            bucket++;
        }
        lock (series.Lock)
        {
            series.Buckets[bucket]++;
            series.Sum += value;
            series.Count++;
        }
    }

    private static string Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value as string ?? "";
            }
        }
        return "";
    }

    public void Dispose() => _listener.Dispose();
}
