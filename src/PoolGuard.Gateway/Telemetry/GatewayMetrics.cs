using System.Diagnostics.Metrics;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Events;
using PoolGuard.Gateway.Pooling;

namespace PoolGuard.Gateway.Telemetry;

/// <summary>
/// The gateway's instruments, one Meter named "PoolGuard" per gateway, following the OpenTelemetry
/// semantic conventions for database client connection pools (db.client.connection.*), with the pool
/// "database/user" as db.client.connection.pool.name. Gauges are observed from the same pool snapshot
/// SHOW POOLS prints, so the numbers agree; histograms are recorded where the events happen, with a
/// tag made once per pool (<see cref="Pool.MetricTag"/>), so recording allocates nothing.
/// </summary>
public sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "PoolGuard";
    public const string PoolNameTag = "db.client.connection.pool.name";
    public const string StateTag = "db.client.connection.state";

    /// <summary>The semantic conventions' advised boundaries (seconds) for the pool's duration histograms.</summary>
    public static readonly IReadOnlyList<double> DurationBuckets = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];

    public const string ErrorTypeTag = "error.type";
    public const string SettingTag = "poolguard.setting";
    public const string ReloadResultTag = "poolguard.reload.result";
    public const string DatabaseTag = "db.namespace";
    public const string UserTag = "db.user";

    private readonly PoolSet _pools;
    private readonly EventLog _events;
    private readonly Func<PoolGuardConfig> _config;
    // Server connection failures per (pool, stage) and reloads per result, counted from the events.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Pool, string Stage), long> _failures = new();
    private long _reloads, _failedReloads;

    internal GatewayMetrics(PoolSet pools, EventLog events, Func<PoolGuardConfig> config)
    {
        _pools = pools;
        _events = events;
        _config = config;
        Meter = new Meter(MeterName);
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets };
        Meter.CreateObservableUpDownCounter("db.client.connection.count", ObserveCount, "{connection}",
            "Connections open now, by state: idle (in the pool) or used (linked to a client, being reset or logging in)");
        Meter.CreateObservableUpDownCounter("db.client.connection.idle.max", () => ObservePools(static (_, p) => p.PoolSize), "{connection}",
            "The most idle connections the pool keeps (its pool size)");
        Meter.CreateObservableUpDownCounter("db.client.connection.idle.min", () => ObservePools(static (pool, _) => pool?.MinPoolSize ?? 0), "{connection}",
            "The fewest idle connections the pool keeps (min_pool_size)");
        Meter.CreateObservableUpDownCounter("db.client.connection.max", () => ObservePools(static (_, p) => p.PoolSize), "{connection}",
            "The most connections the pool may open (its pool size)");
        Meter.CreateObservableUpDownCounter("db.client.connection.pending_requests", () => ObservePools(static (_, p) => p.ClientsWaiting), "{request}",
            "Clients waiting for a connection (SHOW POOLS cl_waiting)");
        Timeouts = Meter.CreateCounter<long>("db.client.connection.timeouts", "{timeout}",
            "Clients that gave up waiting for a connection after query_wait_timeout");
        CreateTime = Meter.CreateHistogram("db.client.connection.create_time", "s",
            "Time to open a server connection: TCP, TLS and login", advice: advice);
        WaitTime = Meter.CreateHistogram("db.client.connection.wait_time", "s",
            "Time a client waited for a server connection", advice: advice);
        UseTime = Meter.CreateHistogram("db.client.connection.use_time", "s",
            "Time between a client getting a server connection and giving it back", advice: advice);
        Meter.CreateObservableCounter("poolguard.client.refusals", ObserveRefusals, "{client}",
            "Clients refused at once, by reason (error.type): max_client_conn (the whole gateway, no pool) or max_waiting_clients (the pool's queue was full)");
        Meter.CreateObservableCounter("poolguard.server.connection.failures", ObserveFailures, "{failure}",
            "Server connections that could not be opened, by pool and stage (error.type): connect (TCP, TLS or server_connect_timeout) or login (PostgreSQL refused the login)");
        Meter.CreateObservableCounter("poolguard.config.reloads", ObserveReloads, "{reload}",
            "Reloads by result (poolguard.reload.result): applied, or failed (the previous configuration stayed in force)");
        Meter.CreateObservableUpDownCounter("poolguard.limit", ObserveLimits, "{connection}",
            "Configured caps by setting (poolguard.setting), per database (db.namespace) or user (db.user) where they are set per entry; a cap that is off (0) is not reported");
        Meter.CreateObservableUpDownCounter("poolguard.client.connections", () => (long)ClientConnections(), "{connection}",
            "Client connections open now, logging in and console ones included (what max_client_conn caps)");
        Meter.CreateObservableUpDownCounter("poolguard.server.connections", () => (long)_pools.OpenServers, "{connection}",
            "Server connections open now over the whole gateway (what max_server_connections caps)");
        _events.Published += OnEvent;
    }

    /// <summary>Client connections open now; set by the gateway that owns these metrics.</summary>
    internal Func<int> ClientConnections { get; set; } = static () => 0;

    /// <summary>This gateway's meter; a MeterListener tells it from other gateways' by reference.</summary>
    public Meter Meter { get; }

    internal Counter<long> Timeouts { get; }
    internal Histogram<double> CreateTime { get; }
    internal Histogram<double> WaitTime { get; }
    internal Histogram<double> UseTime { get; }

    /// <summary>Records <paramref name="duration"/> as seconds under the pool's cached tag, without allocating.</summary>
    internal static void Record(Histogram<double> histogram, TimeSpan duration, Pool pool)
    {
        if (histogram.Enabled)
        {
            histogram.Record(duration.TotalSeconds, pool.MetricTag);
        }
    }

    private void OnEvent(GatewayEvent e)
    {
        // Events are rare (one per timed-out client), so a tag built here costs nothing that matters.
        switch (e.Kind)
        {
            case GatewayEventKind.WaitTimeout when e.Pool is { } pool:
                Timeouts.Add(1, new KeyValuePair<string, object?>(PoolNameTag, pool));
                break;
            case GatewayEventKind.ServerConnectFailed:
                _failures.AddOrUpdate((e.Pool ?? "", "connect"), 1, static (_, n) => n + 1);
                break;
            case GatewayEventKind.ServerLoginFailed:
                _failures.AddOrUpdate((e.Pool ?? "", "login"), 1, static (_, n) => n + 1);
                break;
            case GatewayEventKind.Reloaded:
                Interlocked.Increment(ref _reloads);
                break;
            case GatewayEventKind.ReloadFailed:
                Interlocked.Increment(ref _failedReloads);
                break;
        }
    }

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);

    private List<Measurement<long>> ObserveRefusals()
    {
        // max_client_conn is always reported, 0 until it happens, so rate() works from the first refusal.
        var result = new List<Measurement<long>>();
        var gatewayWide = 0L;
        foreach (var (pool, reason, count) in _pools.Refusals.Totals())
        {
            if (pool.Length == 0 && reason == "max_client_conn")
            {
                gatewayWide = count;
            }
            else if (pool.Length == 0)
            {
                result.Add(new(count, Tag(ErrorTypeTag, reason)));
            }
            else
            {
                result.Add(new(count, Tag(PoolNameTag, pool), Tag(ErrorTypeTag, reason)));
            }
        }
        result.Insert(0, new(gatewayWide, Tag(ErrorTypeTag, "max_client_conn")));
        return result;
    }

    private List<Measurement<long>> ObserveFailures()
    {
        // Both stages of every pool that exists are reported, 0 until a failure.
        var keys = new SortedSet<(string Pool, string Stage)>(_failures.Keys);
        foreach (var pool in _pools.Snapshot())
        {
            keys.Add((pool.Key.ToString(), "connect"));
            keys.Add((pool.Key.ToString(), "login"));
        }
        var result = new List<Measurement<long>>(keys.Count);
        foreach (var key in keys)
        {
            result.Add(new(_failures.GetValueOrDefault(key), Tag(PoolNameTag, key.Pool), Tag(ErrorTypeTag, key.Stage)));
        }
        return result;
    }

    private List<Measurement<long>> ObserveReloads() =>
    [
        new(Interlocked.Read(ref _reloads), Tag(ReloadResultTag, "applied")),
        new(Interlocked.Read(ref _failedReloads), Tag(ReloadResultTag, "failed")),
    ];

    private List<Measurement<long>> ObserveLimits()
    {
        var config = _config();
        var result = new List<Measurement<long>>
        {
            new(config.MaxClientConn, Tag(SettingTag, "max_client_conn")),
        };
        void Add(string setting, int value, string? key = null, string? name = null)
        {
            if (value > 0)
            {
                result.Add(key is null ? new(value, Tag(SettingTag, setting)) : new(value, Tag(SettingTag, setting), Tag(key, name!)));
            }
        }
        Add("max_server_connections", config.MaxServerConnections);
        Add("max_waiting_clients", config.MaxWaitingClients);
        Add("max_db_connections", config.MaxDbConnections);
        Add("max_user_connections", config.MaxUserConnections);
        foreach (var (name, database) in config.Databases.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            Add("max_db_connections", database.MaxDbConnections ?? config.MaxDbConnections, DatabaseTag, name);
        }
        foreach (var (name, user) in config.Users.OrderBy(u => u.Key, StringComparer.Ordinal))
        {
            if (user.MaxUserConnections > 0)
            {
                Add("max_user_connections", user.MaxUserConnections, UserTag, name);
            }
        }
        return result;
    }

    private List<Measurement<long>> ObserveCount()
    {
        var snapshot = _pools.Snapshot();
        var result = new List<Measurement<long>>(snapshot.Count * 2);
        foreach (var pool in snapshot)
        {
            var name = new KeyValuePair<string, object?>(PoolNameTag, pool.Key.ToString());
            result.Add(new(pool.ServersIdle, name, new(StateTag, "idle")));
            result.Add(new(pool.ServersActive + pool.ServersUsed + pool.ServersLogin, name, new(StateTag, "used")));
        }
        return result;
    }

    private List<Measurement<long>> ObservePools(Func<Pool?, PoolSnapshot, long> read)
    {
        var pools = new Dictionary<PoolKey, Pool>();
        foreach (var pool in _pools.ListPools())
        {
            pools[pool.Key] = pool;
        }
        var result = new List<Measurement<long>>();
        foreach (var snapshot in _pools.Snapshot())
        {
            result.Add(new(read(pools.GetValueOrDefault(snapshot.Key), snapshot), new KeyValuePair<string, object?>(PoolNameTag, snapshot.Key.ToString())));
        }
        return result;
    }

    public void Dispose()
    {
        _events.Published -= OnEvent;
        Meter.Dispose();
    }
}
