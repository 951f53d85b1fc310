using PoolGuard.Config.Model;
using PoolGuard.Config.Values;

namespace PoolGuard.Config.PgBouncer;

/// <summary>
/// The [pgbouncer] settings PoolGuard implements, each with the model path it fills (for messages and
/// locations) and how its value lands in the model. Durations are seconds, as in PgBouncer, with unit
/// suffixes also accepted. max_server_connections and max_waiting_clients are PoolGuard's own additions.
/// </summary>
internal static class PgBouncerSettings
{
    public delegate PoolGuardConfig Apply(IniValueReader reader, IniEntry entry, PoolGuardConfig config);

    public sealed record Setting(string ModelPath, Apply Apply);

    public const string AuthFile = "auth_file";

    public static readonly IReadOnlyDictionary<string, Setting> Supported = new Dictionary<string, Setting>(StringComparer.OrdinalIgnoreCase)
    {
        ["listen_addr"] = new(nameof(PoolGuardConfig.ListenAddress), ListenAddress),
        ["listen_port"] = new(nameof(PoolGuardConfig.ListenPort), (r, e, c) => r.Int(e) is { } v ? c with { ListenPort = v } : c),
        ["auth_type"] = new(nameof(PoolGuardConfig.AuthType), AuthTypeSetting),
        // Read by the loader once every line is in, because the users it holds join the [users] section.
        [AuthFile] = new("AuthFile", (_, _, c) => c),
        ["admin_users"] = new(nameof(PoolGuardConfig.AdminUsers), (_, e, c) => c with { AdminUsers = SettingNames.SplitList(e.Value) }),
        ["pool_mode"] = new(nameof(PoolGuardConfig.PoolMode), (r, e, c) => r.PoolMode(e) is { } v ? c with { PoolMode = v } : c),
        ["default_pool_size"] = new(nameof(PoolGuardConfig.DefaultPoolSize), (r, e, c) => r.Int(e) is { } v ? c with { DefaultPoolSize = v } : c),
        ["min_pool_size"] = new(nameof(PoolGuardConfig.MinPoolSize), (r, e, c) => r.Int(e) is { } v ? c with { MinPoolSize = v } : c),
        ["max_client_conn"] = new(nameof(PoolGuardConfig.MaxClientConn), (r, e, c) => r.Int(e) is { } v ? c with { MaxClientConn = v } : c),
        ["max_db_connections"] = new(nameof(PoolGuardConfig.MaxDbConnections), (r, e, c) => r.Int(e) is { } v ? c with { MaxDbConnections = v } : c),
        ["max_user_connections"] = new(nameof(PoolGuardConfig.MaxUserConnections), (r, e, c) => r.Int(e) is { } v ? c with { MaxUserConnections = v } : c),
        ["max_server_connections"] = new(nameof(PoolGuardConfig.MaxServerConnections), (r, e, c) => r.Int(e) is { } v ? c with { MaxServerConnections = v } : c),
        ["max_waiting_clients"] = new(nameof(PoolGuardConfig.MaxWaitingClients), (r, e, c) => r.Int(e) is { } v ? c with { MaxWaitingClients = v } : c),
        ["query_wait_timeout"] = new(nameof(PoolGuardConfig.QueryWaitTimeout), (r, e, c) => r.Duration(e) is { } v ? c with { QueryWaitTimeout = v } : c),
        ["client_login_timeout"] = new(nameof(PoolGuardConfig.ClientLoginTimeout), (r, e, c) => r.Duration(e) is { } v ? c with { ClientLoginTimeout = v } : c),
        ["server_idle_timeout"] = new(nameof(PoolGuardConfig.ServerIdleTimeout), (r, e, c) => r.Duration(e) is { } v ? c with { ServerIdleTimeout = v } : c),
        ["server_lifetime"] = new(nameof(PoolGuardConfig.ServerLifetime), (r, e, c) => r.Duration(e) is { } v ? c with { ServerLifetime = v } : c),
        ["server_connect_timeout"] = new(nameof(PoolGuardConfig.ServerConnectTimeout), (r, e, c) => r.Duration(e) is { } v ? c with { ServerConnectTimeout = v } : c),
        ["query_timeout"] = new(nameof(PoolGuardConfig.QueryTimeout), (r, e, c) => r.Duration(e) is { } v ? c with { QueryTimeout = v } : c),
        ["idle_transaction_timeout"] = new(nameof(PoolGuardConfig.IdleTransactionTimeout), (r, e, c) => r.Duration(e) is { } v ? c with { IdleTransactionTimeout = v } : c),
        ["client_idle_timeout"] = new(nameof(PoolGuardConfig.ClientIdleTimeout), (r, e, c) => r.Duration(e) is { } v ? c with { ClientIdleTimeout = v } : c),
        ["max_prepared_statements"] = new(nameof(PoolGuardConfig.MaxPreparedStatements), (r, e, c) => r.Int(e) is { } v ? c with { MaxPreparedStatements = v } : c),
        ["server_reset_query"] = new(nameof(PoolGuardConfig.ServerResetQuery), (_, e, c) => c with { ServerResetQuery = e.Value }),
        ["ignore_startup_parameters"] = new(nameof(PoolGuardConfig.IgnoreStartupParameters), (_, e, c) => c with { IgnoreStartupParameters = SettingNames.SplitList(e.Value) }),
        // PoolGuard's own, so a pgbouncer.ini can turn them on too.
        ["event_log_file"] = new(nameof(PoolGuardConfig.EventLogFile), (_, e, c) => c with { EventLogFile = e.Value.Trim() }),
        ["shutdown_timeout"] = new(nameof(PoolGuardConfig.ShutdownTimeout), (r, e, c) => r.Duration(e) is { } v ? c with { ShutdownTimeout = v } : c),
        ["stats_users"] = new(nameof(PoolGuardConfig.StatsUsers), (_, e, c) => c with { StatsUsers = SettingNames.SplitList(e.Value) }),
        ["stats_period"] = new(nameof(PoolGuardConfig.StatsPeriod), (r, e, c) => r.Duration(e) is { } v ? c with { StatsPeriod = v } : c),
        ["client_tls_sslmode"] = new(nameof(PoolGuardConfig.ClientTlsSslMode), (r, e, c) => r.TlsMode(e) is { } v ? c with { ClientTlsSslMode = v } : c),
        ["client_tls_cert_file"] = new(nameof(PoolGuardConfig.ClientTlsCertFile), (_, e, c) => c with { ClientTlsCertFile = IniValueReader.FilePath(e) }),
        ["client_tls_key_file"] = new(nameof(PoolGuardConfig.ClientTlsKeyFile), (_, e, c) => c with { ClientTlsKeyFile = IniValueReader.FilePath(e) }),
        ["client_tls_ca_file"] = new(nameof(PoolGuardConfig.ClientTlsCaFile), (_, e, c) => c with { ClientTlsCaFile = IniValueReader.FilePath(e) }),
        ["client_tls_protocols"] = new(nameof(PoolGuardConfig.ClientTlsProtocols), (r, e, c) => r.TlsProtocols(e) is { } v ? c with { ClientTlsProtocols = v } : c),
        ["server_tls_sslmode"] = new(nameof(PoolGuardConfig.ServerTlsSslMode), (r, e, c) => r.TlsMode(e) is { } v ? c with { ServerTlsSslMode = v } : c),
        ["server_tls_ca_file"] = new(nameof(PoolGuardConfig.ServerTlsCaFile), (_, e, c) => c with { ServerTlsCaFile = IniValueReader.FilePath(e) }),
        ["server_tls_cert_file"] = new(nameof(PoolGuardConfig.ServerTlsCertFile), (_, e, c) => c with { ServerTlsCertFile = IniValueReader.FilePath(e) }),
        ["server_tls_key_file"] = new(nameof(PoolGuardConfig.ServerTlsKeyFile), (_, e, c) => c with { ServerTlsKeyFile = IniValueReader.FilePath(e) }),
        ["server_tls_protocols"] = new(nameof(PoolGuardConfig.ServerTlsProtocols), (r, e, c) => r.TlsProtocols(e) is { } v ? c with { ServerTlsProtocols = v } : c),
        // PoolGuard's own: the admin HTTP endpoint (PgBouncer has none; pgbouncer_exporter is a separate process).
        ["admin_http_address"] = new(nameof(PoolGuardConfig.AdminHttpAddress), (_, e, c) => c with { AdminHttpAddress = e.Value.Trim() }),
        ["admin_http_port"] = new(nameof(PoolGuardConfig.AdminHttpPort), (r, e, c) => r.Int(e) is { } v ? c with { AdminHttpPort = v } : c),
        ["admin_http_token"] = new(nameof(PoolGuardConfig.AdminHttpToken), (_, e, c) => c with { AdminHttpToken = e.Value.Trim() }),
        // PoolGuard's own: the database watcher.
        ["watch_interval"] = new(nameof(PoolGuardConfig.WatchInterval), (r, e, c) => r.Duration(e) is { } v ? c with { WatchInterval = v } : c),
        ["watch_query_timeout"] = new(nameof(PoolGuardConfig.WatchQueryTimeout), (r, e, c) => r.Duration(e) is { } v ? c with { WatchQueryTimeout = v } : c),
        ["watch_user"] = new(nameof(PoolGuardConfig.WatchUser), (_, e, c) => c with { WatchUser = e.Value.Trim() }),
        ["watch_password"] = new(nameof(PoolGuardConfig.WatchPassword), (_, e, c) => c with { WatchPassword = e.Value }),
        ["alert_evaluation_interval"] = new(nameof(PoolGuardConfig.AlertEvaluationInterval), (r, e, c) => r.Duration(e) is { } v ? c with { AlertEvaluationInterval = v } : c),
        ["alertmanager_url"] = new(nameof(PoolGuardConfig.AlertmanagerUrls), (_, e, c) => c with { AlertmanagerUrls = SettingNames.SplitList(e.Value) }),
        ["alert_webhook_url"] = new(nameof(PoolGuardConfig.AlertWebhookUrls), (_, e, c) => c with { AlertWebhookUrls = SettingNames.SplitList(e.Value) }),
        ["alert_external_url"] = new(nameof(PoolGuardConfig.AlertExternalUrl), (_, e, c) => c with { AlertExternalUrl = e.Value.Trim() }),
        ["alert_notify_timeout"] = new(nameof(PoolGuardConfig.AlertNotifyTimeout), (r, e, c) => r.Duration(e) is { } v ? c with { AlertNotifyTimeout = v } : c),
        ["alert_resend_interval"] = new(nameof(PoolGuardConfig.AlertResendInterval), (r, e, c) => r.Duration(e) is { } v ? c with { AlertResendInterval = v } : c),
    };

    private static readonly Dictionary<string, string> IniNames = BuildIniNames();

    /// <summary>The pgbouncer.ini name of a model path's last part ("Databases:app:PoolSize" → "pool_size").</summary>
    public static string IniName(string modelPath) =>
        IniNames.TryGetValue(modelPath, out var whole) ? whole
        : IniNames.TryGetValue(modelPath[(modelPath.LastIndexOf(':') + 1)..], out var name) ? name
        : modelPath;

    /// <summary>PgBouncer listens on a list of addresses; PoolGuard on one, so the first is taken. "*" is every IPv4 interface.</summary>
    private static PoolGuardConfig ListenAddress(IniValueReader reader, IniEntry entry, PoolGuardConfig config)
    {
        var addresses = SettingNames.SplitList(entry.Value);
        if (addresses.Count == 0)
        {
            reader.Warn(entry, $"listen_addr is empty: PgBouncer would accept only Unix-socket clients, which PoolGuard does not offer; listening on {config.ListenAddress}");
            return config;
        }

        var first = addresses[0] == "*" ? "0.0.0.0" : addresses[0];
        if (addresses.Count > 1)
        {
            reader.Warn(entry, $"listen_addr lists {addresses.Count} addresses; PoolGuard listens on one, so only {first} is used");
        }

        return config with { ListenAddress = first };
    }

    private static PoolGuardConfig AuthTypeSetting(IniValueReader reader, IniEntry entry, PoolGuardConfig config)
    {
        var text = entry.Value.ToLowerInvariant();
        switch (text)
        {
            case "any":
                reader.Warn(entry, "auth_type any is read as trust: no password is asked, but unlike PgBouncer the client's user name still picks the pool");
                return config with { AuthType = AuthType.Trust };
            case "cert" or "hba" or "pam" or "ldap":
                reader.Error(entry, $"auth_type {text} is not supported by PoolGuard; use {SettingNames.AuthTypeForms}");
                return config;
            case "":
                return config;
        }

        if (SettingNames.TryParseAuthType(text, out var value))
        {
            return config with { AuthType = value };
        }

        reader.Error(entry, $"auth_type expects {SettingNames.AuthTypeForms}, got {SettingNames.Quote(entry.Value)}");
        return config;
    }

    private static Dictionary<string, string> BuildIniNames()
    {
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Databases"] = "[databases]",
            ["Users"] = "[users]",
            ["Watch"] = "[watch]",
            ["Alerts"] = "[alerts]",
            ["PasswordSources"] = "the auth_file (userlist.txt)",
            [nameof(DatabaseEntry.Host)] = "host",
            [nameof(DatabaseEntry.Port)] = "port",
            [nameof(DatabaseEntry.DbName)] = "dbname",
            [nameof(DatabaseEntry.User)] = "user",
            [nameof(DatabaseEntry.Password)] = "password",
            [nameof(DatabaseEntry.PoolSize)] = "pool_size",
        };
        foreach (var (iniName, setting) in Supported)
        {
            names[setting.ModelPath] = iniName;
        }

        return names;
    }
}
