using System.Globalization;

namespace PoolGuard.Gateway.Events;

/// <summary>
/// Client refusals (max_client_conn, a full max_waiting_clients queue) as episodes, the way pool
/// saturation is reported: a surge refuses hundreds of clients a second, and one event each would
/// push everything else out of the event ring. The first refusal of an episode is published at
/// once (an alert should not wait); the rest are counted, and when no client has been refused for
/// <see cref="QuietPeriod"/> one <c>refusals_ended</c> event gives the count, the first and last
/// refusal and the count per reason. One episode per pool, plus one for the whole gateway
/// (max_client_conn). Totals per pool and reason are kept for /metrics.
/// </summary>
public sealed class RefusalEpisodes
{
    /// <summary>How long no client may be refused before the episode counts as over.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(1);

    private readonly EventLog _events;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    // Keyed by pool name; "" is the gateway as a whole.
    private readonly Dictionary<string, Episode> _open = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Pool, string Reason), long> _totals = [];

    public RefusalEpisodes(EventLog events, TimeProvider time)
    {
        _events = events;
        _time = time;
    }

    private sealed class Episode(long first, DateTimeOffset firstAt)
    {
        public long First { get; } = first;
        public DateTimeOffset FirstAt { get; } = firstAt;
        public long Last { get; set; } = first;
        public DateTimeOffset LastAt { get; set; } = firstAt;
        public long Count { get; set; }
        public SortedDictionary<string, long> ByReason { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>
    /// A client was refused for <paramref name="reason"/> (the setting's name). The first refusal of
    /// an episode becomes a <c>client_refused</c> event with <paramref name="detail"/> and <paramref name="numbers"/>;
    /// true for that one (so the caller logs once per episode, not once per client).
    /// </summary>
    internal bool Refused(string? pool, string reason, string detail, IReadOnlyDictionary<string, long> numbers)
    {
        var key = pool ?? "";
        bool first;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            first = !_open.TryGetValue(key, out var episode);
            if (first)
            {
                episode = new Episode(now, _time.GetUtcNow());
                _open[key] = episode;
            }
            episode!.Last = now;
            episode.LastAt = _time.GetUtcNow();
            episode.Count++;
            episode.ByReason[reason] = episode.ByReason.GetValueOrDefault(reason) + 1;
            _totals[(key, reason)] = _totals.GetValueOrDefault((key, reason)) + 1;
        }
        if (first)
        {
            _events.Publish(GatewayEventKind.ClientRefused, pool, detail, numbers);
        }
        return first;
    }

    /// <summary>Ends the episodes that have been quiet for <see cref="QuietPeriod"/>; called by the once-a-second upkeep.</summary>
    internal void EndQuiet()
    {
        List<(string Pool, Episode Episode)>? ended = null;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            foreach (var (pool, episode) in _open)
            {
                if (_time.GetElapsedTime(episode.Last, now) >= QuietPeriod)
                {
                    (ended ??= []).Add((pool, episode));
                }
            }
            foreach (var (pool, _) in ended ?? [])
            {
                _open.Remove(pool);
            }
        }
        foreach (var (pool, episode) in ended ?? [])
        {
            var numbers = new Dictionary<string, long>
            {
                ["refused"] = episode.Count,
                ["refusing_ms"] = (long)_time.GetElapsedTime(episode.First, episode.Last).TotalMilliseconds,
            };
            foreach (var (reason, count) in episode.ByReason)
            {
                numbers["refused_" + reason] = count;
            }
            var reasons = string.Join(", ", episode.ByReason.Select(r => $"{r.Key} {r.Value}"));
            _events.Publish(GatewayEventKind.RefusalsEnded, pool.Length == 0 ? null : pool,
                $"{episode.Count} client(s) refused from {Time(episode.FirstAt)} to {Time(episode.LastAt)} ({reasons}); none since",
                numbers);
        }
    }

    /// <summary>Clients refused since the start, per pool ("" for the gateway as a whole) and reason.</summary>
    public IReadOnlyList<(string Pool, string Reason, long Count)> Totals()
    {
        lock (_lock)
        {
            return [.. _totals.Select(t => (t.Key.Pool, t.Key.Reason, t.Value)).OrderBy(t => t.Pool, StringComparer.Ordinal).ThenBy(t => t.Reason, StringComparer.Ordinal)];
        }
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) + "Z";
}
