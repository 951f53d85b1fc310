using System.Globalization;
using PoolGuard.Config.Model;
using PoolGuard.Config.Values;

namespace PoolGuard.Config.PgBouncer;

/// <summary>One row of SHOW CONFIG: a setting under its pgbouncer.ini name, as PgBouncer prints it.</summary>
public sealed record ConfigListingRow(string Key, string Value, string Default, bool Changeable);

/// <summary>
/// Every global setting of the configuration model under its pgbouncer.ini key, in PgBouncer's
/// formats (durations in seconds, lists comma-separated), with the default beside it. The admin
/// console's SHOW CONFIG prints it; a unit test checks that no model setting is missing.
/// </summary>
public static class PgBouncerConfigListing
{
    private sealed record Entry(string Key, Func<PoolGuardConfig, string> Read, bool Changeable = true);

    /// <summary>listen_addr and listen_port need a restart, as in PgBouncer (and stats_period here); the rest are applied by a reload.</summary>
    private static readonly Entry[] Entries =
    [
        new("listen_addr", c => c.ListenAddress, Changeable: false),
        new("listen_port", c => Number(c.ListenPort), Changeable: false),
        new("auth_type", c => SettingNames.Text(c.AuthType)),
        new("admin_users", c => string.Join(',', c.AdminUsers)),
        new("pool_mode", c => PoolModeText(c.PoolMode)),
        new("default_pool_size", c => Number(c.DefaultPoolSize)),
        new("min_pool_size", c => Number(c.MinPoolSize)),
        new("max_client_conn", c => Number(c.MaxClientConn)),
        new("max_db_connections", c => Number(c.MaxDbConnections)),
        new("max_user_connections", c => Number(c.MaxUserConnections)),
        new("max_server_connections", c => Number(c.MaxServerConnections)),
        new("max_waiting_clients", c => Number(c.MaxWaitingClients)),
        new("query_wait_timeout", c => Seconds(c.QueryWaitTimeout)),
        new("client_login_timeout", c => Seconds(c.ClientLoginTimeout)),
        new("server_idle_timeout", c => Seconds(c.ServerIdleTimeout)),
        new("server_lifetime", c => Seconds(c.ServerLifetime)),
        new("server_connect_timeout", c => Seconds(c.ServerConnectTimeout)),
        new("query_timeout", c => Seconds(c.QueryTimeout)),
        new("idle_transaction_timeout", c => Seconds(c.IdleTransactionTimeout)),
        new("client_idle_timeout", c => Seconds(c.ClientIdleTimeout)),
        new("max_prepared_statements", c => Number(c.MaxPreparedStatements)),
        new("server_reset_query", c => c.ServerResetQuery),
        new("ignore_startup_parameters", c => string.Join(',', c.IgnoreStartupParameters)),
        new("stats_users", c => string.Join(',', c.StatsUsers)),
        // Read once when the gateway starts its statistics timer.
        new("stats_period", c => Seconds(c.StatsPeriod), Changeable: false),
        new("event_log_file", c => c.EventLogFile),
        new("shutdown_timeout", c => Seconds(c.ShutdownTimeout)),
        new("client_tls_sslmode", c => TlsSettingNames.Text(c.ClientTlsSslMode)),
        new("client_tls_cert_file", c => c.ClientTlsCertFile ?? ""),
        new("client_tls_key_file", c => c.ClientTlsKeyFile ?? ""),
        new("client_tls_ca_file", c => c.ClientTlsCaFile ?? ""),
        new("client_tls_protocols", c => Protocols(c.ClientTlsProtocols)),
        new("server_tls_sslmode", c => TlsSettingNames.Text(c.ServerTlsSslMode)),
        new("server_tls_ca_file", c => c.ServerTlsCaFile ?? ""),
        new("server_tls_cert_file", c => c.ServerTlsCertFile ?? ""),
        new("server_tls_key_file", c => c.ServerTlsKeyFile ?? ""),
        new("server_tls_protocols", c => Protocols(c.ServerTlsProtocols)),
        // The HTTP listener is bound once at start; the token is read per request, so a reload changes it.
        new("admin_http_address", c => c.AdminHttpAddress, Changeable: false),
        new("admin_http_port", c => Number(c.AdminHttpPort), Changeable: false),
        // Never printed: stats users may run SHOW CONFIG but must not learn the token.
        new("admin_http_token", c => c.AdminHttpToken.Length > 0 ? "(set)" : ""),
        new("watch_interval", c => Seconds(c.WatchInterval)),
        new("watch_query_timeout", c => Seconds(c.WatchQueryTimeout)),
        new("watch_user", c => c.WatchUser),
        new("watch_password", c => c.WatchPassword.Length > 0 ? "(set)" : ""),
        new("alert_evaluation_interval", c => Seconds(c.AlertEvaluationInterval)),
        new("alertmanager_url", c => string.Join(',', c.AlertmanagerUrls)),
        new("alert_webhook_url", c => c.AlertWebhookUrls.Count > 0 ? "(set)" : ""),
        new("alert_external_url", c => c.AlertExternalUrl),
        new("alert_notify_timeout", c => Seconds(c.AlertNotifyTimeout)),
        new("alert_resend_interval", c => Seconds(c.AlertResendInterval)),
    ];

    /// <summary>In pgbouncer.ini's words: "secure" for TLS 1.2 + 1.3, else the versions listed.</summary>
    private static string Protocols(System.Security.Authentication.SslProtocols protocols) =>
        protocols == TlsProtocols.Secure ? "secure"
        : string.Join(',', new[] { (System.Security.Authentication.SslProtocols.Tls12, "tlsv1.2"), (System.Security.Authentication.SslProtocols.Tls13, "tlsv1.3") }
            .Where(p => protocols.HasFlag(p.Item1)).Select(p => p.Item2));

    private static readonly PoolGuardConfig Defaults = new();

    public static IReadOnlyList<ConfigListingRow> Describe(PoolGuardConfig config) =>
        [.. Entries.Select(e => new ConfigListingRow(e.Key, e.Read(config), e.Read(Defaults), e.Changeable))];

    /// <summary>pgbouncer.ini spells pool modes in lower case.</summary>
    public static string PoolModeText(PoolMode mode) => mode.ToString().ToLowerInvariant();

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>PgBouncer prints durations as seconds; fractions keep up to three decimals.</summary>
    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
