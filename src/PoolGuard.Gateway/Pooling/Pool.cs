using PoolGuard.Config.Model;

namespace PoolGuard.Gateway.Pooling;

/// <summary>
/// The servers and waiting clients of one (database, user). Its lists, counts and the states of
/// its connections are guarded by <see cref="Lock"/>; the caps shared between pools (per
/// database, per user, global) by the <see cref="PoolSet"/>'s lock, always taken before this one.
/// </summary>
internal sealed class Pool
{
    private readonly int[] _servers = new int[Enum.GetValues<ServerState>().Length];
    private readonly int[] _clients = new int[Enum.GetValues<ClientState>().Length];

    public Pool(PoolKey key, DatabaseEntry database, UserEntry? user, PoolGuardConfig config)
    {
        Key = key;
        Name = key.ToString();
        MetricTag = new(Telemetry.GatewayMetrics.PoolNameTag, Name);
        Database = database;
        User = user;
        Configure(config);
    }

    public PoolKey Key { get; }

    /// <summary>Which server-side statements clients still use (transaction pooling).</summary>
    public StatementUsers StatementUsers { get; } = new();

    /// <summary>
    /// Guards this pool alone, so checkouts and releases of different pools never contend. Taken
    /// on its own by the fast paths, or inside the pool set's lock; never two at once outside it.
    /// </summary>
    public Lock Lock { get; } = new();

    /// <summary>"database/user", made once: events and logs name the pool on busy paths.</summary>
    public string Name { get; }

    /// <summary>db.client.connection.pool.name = <see cref="Name"/>, made once: histograms record it per checkout.</summary>
    public KeyValuePair<string, object?> MetricTag { get; }
    public DatabaseEntry Database { get; private set; }
    public UserEntry? User { get; private set; }
    public int PoolSize { get; private set; }
    public int MinPoolSize { get; private set; }
    public int DatabaseCap { get; private set; }
    public int UserCap { get; private set; }
    public PoolMode Mode { get; private set; }

    /// <summary>
    /// Password of the database entry's forced user: the entry's own, else the user's secret from
    /// the users / auth file (as PgBouncer does). Null when the entry has no forced user.
    /// </summary>
    public string? ForcedUserSecret { get; private set; }

    /// <summary>The name the per-user cap is counted under: the login user on the server.</summary>
    public string ServerUser => Database.User ?? Key.User;

    /// <summary>Front = most recently used: reusing warm servers first lets the cold ones age out.</summary>
    public LinkedList<ServerConnection> Idle { get; } = new();

    /// <summary>FIFO: first to wait is first served, so no client starves under load.</summary>
    public LinkedList<Waiter> Waiters { get; } = new();

    /// <summary>
    /// The ClientKey recovered from a client's SCRAM proof, kept so the gateway can log in to a
    /// server holding the same SCRAM verifier without ever knowing the password (as PgBouncer does).
    /// </summary>
    public byte[]? ScramClientKey { get; set; }

    /// <summary>
    /// PAUSE (or KILL) is in force: no server is handed out, released servers are closed, clients
    /// queue until RESUME. Guarded by <see cref="Lock"/>.
    /// </summary>
    public bool Paused { get; set; }

    /// <summary>The saturation episode under way, if any (guarded by <see cref="Lock"/>).</summary>
    public SaturationEpisode Saturation { get; } = new();
    /// <summary>Traffic counters for SHOW STATS; atomics, outside the pool set's lock.</summary>
    public Stats.PoolStats Stats { get; } = new();

    /// <summary>Session settings of transaction-pooled clients: defaults, normalised values, interned sets.</summary>
    public PoolParameters Parameters { get; } = new();

    /// <summary>Servers counted against caps: every state but Closed.</summary>
    public int OpenServers => _servers[(int)ServerState.Login] + _servers[(int)ServerState.Idle]
        + _servers[(int)ServerState.Active] + _servers[(int)ServerState.Used];

    public int ServersIn(ServerState state) => _servers[(int)state];
    public int ClientsIn(ClientState state) => _clients[(int)state];

    public void CountServer(ServerState from, ServerState to)
    {
        _servers[(int)from]--;
        _servers[(int)to]++;
    }

    public void AddServer(ServerState state) => _servers[(int)state]++;

    public void CountClient(ClientState from, ClientState to)
    {
        if (from != ClientState.Login && from != ClientState.Closed)
        {
            _clients[(int)from]--;
        }
        if (to != ClientState.Login && to != ClientState.Closed)
        {
            _clients[(int)to]++;
        }
    }

    /// <summary>Applies (possibly reloaded) settings: the pool's own entries win over the globals.</summary>
    public void Configure(PoolGuardConfig config)
    {
        if (config.FindDatabase(Key.Database) is { } database)
        {
            Database = database;
        }
        if (config.Users.TryGetValue(Key.User, out var user))
        {
            User = user;
        }
        PoolSize = Database.PoolSize ?? config.DefaultPoolSize;
        MinPoolSize = Math.Min(Database.MinPoolSize ?? config.MinPoolSize, PoolSize);
        DatabaseCap = Database.MaxDbConnections ?? config.MaxDbConnections;
        UserCap = User is { MaxUserConnections: > 0 } ? User.MaxUserConnections : config.MaxUserConnections;
        Mode = User?.PoolMode ?? Database.PoolMode ?? config.PoolMode;
        ForcedUserSecret = Database.User is { } forced
            ? Database.Password ?? (config.Users.TryGetValue(forced, out var entry) ? entry.Secret : null)
            : null;
    }
}
