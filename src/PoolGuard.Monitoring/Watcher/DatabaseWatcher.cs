using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PoolGuard.Config.Model;

namespace PoolGuard.Monitoring.Watcher;

/// <summary>
/// Samples every watched database each watch_interval, all of them at once (one connection each), and
/// keeps the latest sample and a short history per database for the metrics, the API, the rules and
/// diagnosis. Follows the configuration it is given on every round, so a reload adds, drops or re-logs
/// targets without a restart; watch_interval 0 stops sampling and forgets the samples.
/// One loop writes; readers get immutable snapshots and never wait for a sample.
/// </summary>
public sealed class DatabaseWatcher : IAsyncDisposable
{
    /// <summary>The log category of the watcher's lines.</summary>
    public const string LogCategory = "PoolGuard.Watcher";

    /// <summary>Samples kept per database: 15 minutes at the default 5 s interval.</summary>
    public const int HistoryLength = 180;

    /// <summary>How often a watcher that is turned off looks whether a reload turned it on.</summary>
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);

    private readonly Func<PoolGuardConfig> _config;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Watched> _watched = new(StringComparer.Ordinal);
    private PoolGuardConfig? _planned;
    private volatile WatcherSnapshot _snapshot = WatcherSnapshot.Empty;
    private readonly SemaphoreSlim _round = new(1, 1);

    /// <param name="config">The configuration in force, read at every round (the gateway's, which a reload swaps).</param>
    public DatabaseWatcher(Func<PoolGuardConfig> config, ILogger logger, TimeProvider? time = null)
    {
        _config = config;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The latest sample of every watched database and what is not watched, as of the last round.</summary>
    public WatcherSnapshot Snapshot => _snapshot;

    /// <summary>Raised after every round, on the watcher's loop; handlers must be quick (the rules engine is).</summary>
    public event Action<WatcherSnapshot>? Sampled;

    /// <summary>The samples kept for one database, oldest first; empty when it is not watched.</summary>
    public IReadOnlyList<DatabaseSample> History(string database)
    {
        lock (_watched)
        {
            return _watched.TryGetValue(database, out var watched) ? [.. watched.History] : [];
        }
    }

    /// <summary>Samples until <paramref name="cancellationToken"/> is cancelled. Never throws for a database's sake.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var interval = _config().WatchInterval;
                if (interval <= TimeSpan.Zero)
                {
                    await PlanAsync(_config()).ConfigureAwait(false);
                    await Task.Delay(IdlePoll, _time, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var started = _time.GetTimestamp();
                await SampleOnceAsync(cancellationToken).ConfigureAwait(false);
                var wait = interval - _time.GetElapsedTime(started);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>One round now: every target sampled at once. The loop's step; diagnosis and tests call it directly.</summary>
    public async Task<WatcherSnapshot> SampleOnceAsync(CancellationToken cancellationToken)
    {
        // One round at a time: a sampler's connection serves one query at a time, and a caller besides the loop
        // (a test, a diagnosis) must not interleave with it.
        await _round.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await SampleRoundAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _round.Release();
        }
    }

    private async Task<WatcherSnapshot> SampleRoundAsync(CancellationToken cancellationToken)
    {
        var config = _config();
        await PlanAsync(config).ConfigureAwait(false);
        List<Watched> round;
        lock (_watched)
        {
            round = [.. _watched.Values];
        }

        var samples = await Task.WhenAll(round.Select(w => SampleAsync(w, cancellationToken))).ConfigureAwait(false);
        lock (_watched)
        {
            foreach (var (watched, sample) in round.Zip(samples))
            {
                watched.Keep(sample);
            }
        }

        foreach (var (watched, sample) in round.Zip(samples))
        {
            ReportStateChange(watched, sample);
        }

        var snapshot = new WatcherSnapshot([.. samples.OrderBy(s => s.Database, StringComparer.Ordinal)], _snapshot.NotWatched);
        _snapshot = snapshot;
        Sampled?.Invoke(snapshot);
        return snapshot;
    }

    private async Task<DatabaseSample> SampleAsync(Watched watched, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await watched.Sampler.SampleAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A failure the sampler does not expect is still a sample: one database's trouble never stops the round.
            return new DatabaseSample
            {
                Database = watched.Target.Name,
                TakenAt = _time.GetUtcNow(),
                State = SampleState.Down,
                Error = $"sampling failed: {ex.Message}",
                Duration = Stopwatch.GetElapsedTime(started),
            };
        }
    }

    /// <summary>Brings the samplers in line with the configuration when it changed (a reload): new targets get a
    /// sampler, dropped or changed ones lose theirs (and its connection).</summary>
    private async Task PlanAsync(PoolGuardConfig config)
    {
        if (ReferenceEquals(config, _planned))
        {
            return;
        }

        // A new statement timeout is part of every sampler's connection string: all of them start again.
        var first = _planned is null;
        var timeoutChanged = !first && _planned!.WatchQueryTimeout != config.WatchQueryTimeout;
        _planned = config;
        var plan = config.WatchInterval > TimeSpan.Zero ? WatchTargets.From(config) : new WatchTargets.Plan([], []);
        var wanted = plan.Targets.ToDictionary(t => t.Name, StringComparer.Ordinal);
        List<Watched> dropped;
        int added;
        lock (_watched)
        {
            dropped = [.. _watched.Values.Where(w => timeoutChanged || !wanted.TryGetValue(w.Target.Name, out var target) || target != w.Target)];
            foreach (var watched in dropped)
            {
                _watched.Remove(watched.Target.Name);
            }

            var fresh = plan.Targets.Where(t => !_watched.ContainsKey(t.Name)).ToList();
            foreach (var target in fresh)
            {
                _watched[target.Name] = new Watched(target, new DatabaseSampler(target, config.WatchQueryTimeout, _time));
            }

            added = fresh.Count;
        }

        foreach (var watched in dropped)
        {
            await watched.Sampler.DisposeAsync().ConfigureAwait(false);
        }

        var kept = plan.Targets.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var notWatchedChanged = !_snapshot.NotWatched.SequenceEqual(plan.NotWatched);
        _snapshot = new WatcherSnapshot([.. _snapshot.Latest.Where(s => kept.Contains(s.Database))], plan.NotWatched);
        if (!first && dropped.Count == 0 && added == 0 && !notWatchedChanged)
        {
            return; // a reload that changed nothing the watcher does: no log lines
        }

        if (plan.Targets.Count > 0)
        {
            _logger.WatchingDatabases(plan.Targets.Count, config.WatchInterval.TotalSeconds, string.Join(", ", kept.Order(StringComparer.Ordinal)));
        }

        foreach (var reason in plan.NotWatched)
        {
            _logger.DatabaseNotWatched(reason);
        }
    }

    private void ReportStateChange(Watched watched, DatabaseSample sample)
    {
        var before = watched.LastState;
        watched.LastState = sample.State;
        if (sample.State == SampleState.Down && before != SampleState.Down)
        {
            _logger.WatchedDatabaseDown(sample.Database, sample.Error ?? "unknown error");
        }
        else if (sample.State == SampleState.Up && before == SampleState.Down)
        {
            _logger.WatchedDatabaseUp(sample.Database);
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<Watched> all;
        lock (_watched)
        {
            all = [.. _watched.Values];
            _watched.Clear();
        }

        foreach (var watched in all)
        {
            await watched.Sampler.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>One target, its sampler and its history (guarded by the watcher's lock).</summary>
    private sealed class Watched(WatchTarget target, DatabaseSampler sampler)
    {
        public WatchTarget Target { get; } = target;
        public DatabaseSampler Sampler { get; } = sampler;
        public Queue<DatabaseSample> History { get; } = new(HistoryLength);
        public SampleState? LastState { get; set; }

        public void Keep(DatabaseSample sample)
        {
            if (History.Count == HistoryLength)
            {
                History.Dequeue();
            }

            History.Enqueue(sample);
        }
    }
}

/// <summary>What the watcher knows at one moment.</summary>
/// <param name="Latest">The latest sample of each watched database, by name.</param>
/// <param name="NotWatched">Configured databases the watcher cannot log in to, with the reason.</param>
public sealed record WatcherSnapshot(IReadOnlyList<DatabaseSample> Latest, IReadOnlyList<string> NotWatched)
{
    public static readonly WatcherSnapshot Empty = new([], []);

    public DatabaseSample? Find(string database) => Latest.FirstOrDefault(s => s.Database == database);
}
