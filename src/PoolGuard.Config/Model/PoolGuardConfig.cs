namespace PoolGuard.Config.Model;

/// <summary>
/// The whole validated configuration. Immutable: a reload builds a new instance and the gateway
/// swaps to it. Defaults follow PgBouncer where PgBouncer has the setting, so its users meet no surprises.
/// </summary>
public sealed record PoolGuardConfig
{
    /// <summary>Loopback by default: exposing a pooler to the network must be a decision.</summary>
    public string ListenAddress { get; init; } = "127.0.0.1";
    public int ListenPort { get; init; } = 6432;

    public AuthType AuthType { get; init; } = AuthType.ScramSha256;

    /// <summary>Users who may run every command on the admin console (virtual database pgbouncer or poolguard).</summary>
    public IReadOnlyList<string> AdminUsers { get; init; } = [];

    public PoolMode PoolMode { get; init; } = PoolMode.Session;

    /// <summary>Server connections per (database, user) pool.</summary>
    public int DefaultPoolSize { get; init; } = 20;

    /// <summary>Servers kept open per pool even when idle, so a burst does not pay connection setup.</summary>
    public int MinPoolSize { get; init; }

    /// <summary>Client connections accepted in total; the next one is refused with 53300.</summary>
    public int MaxClientConn { get; init; } = 100;

    /// <summary>Server connections per database over all its pools; 0 = no cap.</summary>
    public int MaxDbConnections { get; init; }

    /// <summary>Server connections per user over all its pools; 0 = no cap.</summary>
    public int MaxUserConnections { get; init; }

    /// <summary>Server connections over the whole gateway; 0 = no cap. The database's own
    /// max_connections minus what other applications need is the right value.</summary>
    public int MaxServerConnections { get; init; }

    /// <summary>Clients allowed to queue for a server per pool; 0 = bounded only by max_client_conn.
    /// A full queue refuses at once (53300) instead of letting clients pile up.</summary>
    public int MaxWaitingClients { get; init; }

    /// <summary>How long a client waits in the queue for a server before it gets an error.
    /// PgBouncer's default (120 s) is kept; zero disables the timeout.</summary>
    public TimeSpan QueryWaitTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How long a new client may take to send its startup packet and authenticate.</summary>
    public TimeSpan ClientLoginTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Idle servers above min_pool_size are closed after this long.</summary>
    public TimeSpan ServerIdleTimeout { get; init; } = TimeSpan.FromSeconds(600);

    /// <summary>A server is closed at its next release once it is this old; zero = never.</summary>
    public TimeSpan ServerLifetime { get; init; } = TimeSpan.FromSeconds(3600);

    /// <summary>TCP connect plus server login must finish within this.</summary>
    public TimeSpan ServerConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>A query running longer than this is cancelled and the client gets 57014; zero = off.
    /// Off by default, as in PgBouncer: only the application knows how long its longest legitimate query
    /// runs, and a guessed limit would cancel reports and migrations.</summary>
    public TimeSpan QueryTimeout { get; init; }

    /// <summary>A client idle inside an open transaction for longer than this is disconnected with an error
    /// and its server closed, which rolls the transaction back; zero = off. Off by default, as in PgBouncer,
    /// because the cure is abrupt; set it when forgotten transactions hold locks and servers hostage.</summary>
    public TimeSpan IdleTransactionTimeout { get; init; }

    /// <summary>A client idle outside a transaction for longer than this is closed; zero = off. Off by default,
    /// as in PgBouncer: an idle client holds no server, and application pools keep idle connections on purpose.</summary>
    public TimeSpan ClientIdleTimeout { get; init; }

    /// <summary>Per server connection, the most protocol-level named prepared statements kept prepared in
    /// transaction and statement mode; past it the least recently used is closed. 0 = not tracked, passed
    /// through unchanged, which is safe in session mode only. 200 is PgBouncer's default since 1.24: drivers
    /// prepare by default, and a few hundred plans per backend cost little server memory.</summary>
    public int MaxPreparedStatements { get; init; } = 200;

    /// <summary>Run on a server when a session-mode client leaves, so the next client starts clean.
    /// Empty disables it.</summary>
    public string ServerResetQuery { get; init; } = "DISCARD ALL";

    /// <summary>Startup parameters accepted from clients and not forwarded (e.g. extra_float_digits).</summary>
    public IReadOnlyList<string> IgnoreStartupParameters { get; init; } = [];

    /// <summary>Gateway events (pool saturated/recovered, refusals, timeouts, server failures, reloads,
    /// shutdown) are appended here as JSON lines; relative to the configuration file; empty = in memory only.
    /// Off by default so that starting PoolGuard never writes files nobody asked for.</summary>
    public string EventLogFile { get; init; } = "";

    /// <summary>On SIGTERM, how long clients get to finish their transactions before the gateway closes
    /// them anyway. 30 s: long enough for ordinary transactions, short enough for an orchestrator's own
    /// grace period (Kubernetes defaults to 30 s; set its terminationGracePeriodSeconds higher).</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Users who may run the admin console's SHOW commands only; admin_users may run everything.</summary>
    public IReadOnlyList<string> StatsUsers { get; init; } = [];

    /// <summary>How often the averages of SHOW STATS are recomputed; PgBouncer's default (60 s), so
    /// dashboards built on its avg_* columns read the same rates.</summary>
    public TimeSpan StatsPeriod { get; init; } = TimeSpan.FromSeconds(60);

    public IReadOnlyDictionary<string, DatabaseEntry> Databases { get; init; } =
        new Dictionary<string, DatabaseEntry>(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, UserEntry> Users { get; init; } =
        new Dictionary<string, UserEntry>(StringComparer.Ordinal);

    // --- TLS (client side: apps → PoolGuard; server side: PoolGuard → PostgreSQL) ---

    /// <summary>TLS towards clients. Off by default, as in PgBouncer: turning it on needs a certificate
    /// only the operator has. Anything but disable answers SSLRequest with 'S'; require and stronger refuse
    /// clients that start without TLS.</summary>
    public TlsMode ClientTlsSslMode { get; init; } = TlsMode.Disable;

    /// <summary>PEM certificate (chain) the gateway shows clients; needed unless client TLS is off.</summary>
    public string? ClientTlsCertFile { get; init; }

    /// <summary>PEM private key of <see cref="ClientTlsCertFile"/> (unencrypted).</summary>
    public string? ClientTlsKeyFile { get; init; }

    /// <summary>PEM CA certificate(s) client certificates must chain to; needed for verify-ca / verify-full.</summary>
    public string? ClientTlsCaFile { get; init; }

    /// <summary>TLS versions offered to clients; TLS 1.2 and 1.3 by default (PgBouncer's "secure").</summary>
    public System.Security.Authentication.SslProtocols ClientTlsProtocols { get; init; } = TlsProtocols.Secure;

    /// <summary>TLS towards PostgreSQL. Off by default, as in PgBouncer; prefer and allow fall back to plain
    /// TCP when the server says 'N', require and stronger fail the login instead.</summary>
    public TlsMode ServerTlsSslMode { get; init; } = TlsMode.Disable;

    /// <summary>PEM CA certificate(s) the server's certificate must chain to; needed for verify-ca / verify-full.</summary>
    public string? ServerTlsCaFile { get; init; }

    /// <summary>Optional PEM client certificate the gateway shows PostgreSQL (for clientcert / cert auth).</summary>
    public string? ServerTlsCertFile { get; init; }

    /// <summary>PEM private key of <see cref="ServerTlsCertFile"/>.</summary>
    public string? ServerTlsKeyFile { get; init; }

    /// <summary>TLS versions offered to PostgreSQL; TLS 1.2 and 1.3 by default.</summary>
    public System.Security.Authentication.SslProtocols ServerTlsProtocols { get; init; } = TlsProtocols.Secure;

    // --- Admin HTTP (/metrics, /api/*, /healthz, /readyz) ---

    /// <summary>Address of the admin HTTP endpoint. Loopback by default: the API lists client addresses
    /// and the metrics reveal traffic, so exposing them is the operator's explicit choice.</summary>
    public string AdminHttpAddress { get; init; } = "127.0.0.1";

    /// <summary>Port of the admin HTTP endpoint; 0 turns it off. 9930 sits beside pgbouncer_exporter's 9127
    /// without colliding with it, so both can be scraped during a migration.</summary>
    public int AdminHttpPort { get; init; } = 9930;

    /// <summary>When set, /metrics and /api/* require "Authorization: Bearer &lt;token&gt;"; /healthz and /readyz
    /// stay open for probes. Empty (no auth) by default, matching the loopback-only default address.</summary>
    [Secret]
    public string AdminHttpToken { get; init; } = "";

    // --- Database watcher (issue 21): what PostgreSQL itself says about its connections ---

    /// <summary>How often every watched database is sampled (one batch of catalogue reads over one kept
    /// connection); zero turns the watcher off. 5 s: an exhaustion that builds over a minute shows in a dozen
    /// samples, and the cost stays far below 1 % of a core.</summary>
    public TimeSpan WatchInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The statement timeout of a sample, and how long its connect may take: a struggling database
    /// gets a bounded read, and a slow answer is a Down sample rather than a pile-up.</summary>
    public TimeSpan WatchQueryTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The login the watcher uses for the configured databases (and for watch entries without a user);
    /// empty = a database's forced user. Grant it pg_monitor so it sees every session's state.</summary>
    public string WatchUser { get; init; } = "";

    /// <summary>Password of <see cref="WatchUser"/>; never logged.</summary>
    [Secret]
    public string WatchPassword { get; init; } = "";

    /// <summary>Databases watched although no pool leads to them, by name (the [watch] section / Watch object).</summary>
    public IReadOnlyDictionary<string, WatchEntry> Watch { get; init; } =
        new Dictionary<string, WatchEntry>(StringComparer.Ordinal);

    // --- Alerts (issue 21): rules over the metrics, evaluated in the process ---

    /// <summary>How often the alert rules are evaluated; zero turns the engine off. 5 s: a `for: 30s` rule
    /// fires within 35 s of its condition starting.</summary>
    public TimeSpan AlertEvaluationInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Rules from the [alerts] section / Alerts object, by name: new rules, and shipped ones changed or
    /// turned off (see <see cref="Alerts.AlertRules.Effective"/>).</summary>
    public IReadOnlyDictionary<string, AlertRuleEntry> Alerts { get; init; } =
        new Dictionary<string, AlertRuleEntry>(StringComparer.Ordinal);

    // --- Notifications (issue 21): where firing and resolved alerts go, besides the log and the events ---

    /// <summary>Alertmanager base URLs (http://host:9093); each is sent every firing and resolved alert through
    /// its v2 API, as Prometheus sends them. Empty: none.</summary>
    public IReadOnlyList<string> AlertmanagerUrls { get; init; } = [];

    /// <summary>URLs that receive Alertmanager's webhook payload (version 4) for every alert that fires or
    /// resolves. Secret: webhook URLs often carry a token in their path.</summary>
    [Secret]
    public IReadOnlyList<string> AlertWebhookUrls { get; init; } = [];

    /// <summary>How PoolGuard is reached from where the notifications are read: the base of generatorURL and
    /// externalURL. Empty: the admin HTTP endpoint's address.</summary>
    public string AlertExternalUrl { get; init; } = "";

    /// <summary>Bound on one notification request; a slow receiver costs a retry, never the gateway's time.</summary>
    public TimeSpan AlertNotifyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often alerts still firing are sent to Alertmanager again (Prometheus' resend delay), so it
    /// neither forgets them nor resolves them on its own while PoolGuard runs.</summary>
    public TimeSpan AlertResendInterval { get; init; } = TimeSpan.FromMinutes(1);
}
