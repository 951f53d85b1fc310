using Microsoft.Extensions.Configuration;
using PoolGuard.Config.Model;

namespace PoolGuard.Config.Json;

/// <summary>
/// The keys directly under "PoolGuard" and how each one lands in the model. The table is the list of
/// known keys, so a key cannot be accepted without being read, nor read without being known.
/// </summary>
internal static class JsonGlobalSettings
{
    public const string Databases = "Databases";
    public const string Users = "Users";
    public const string AuthFile = "AuthFile";
    public const string Watch = "Watch";
    public const string Alerts = "Alerts";

    private delegate PoolGuardConfig Apply(JsonSettingReader reader, IConfigurationSection section, PoolGuardConfig config);

    private static readonly Dictionary<string, Apply> Scalars = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(PoolGuardConfig.ListenAddress)] = (r, s, c) => r.String(s) is { } v ? c with { ListenAddress = v.Trim() } : c,
        [nameof(PoolGuardConfig.ListenPort)] = (r, s, c) => r.Int(s) is { } v ? c with { ListenPort = v } : c,
        [nameof(PoolGuardConfig.AuthType)] = (r, s, c) => r.AuthType(s) is { } v ? c with { AuthType = v } : c,
        [nameof(PoolGuardConfig.AdminUsers)] = (r, s, c) => r.List(s) is { } v ? c with { AdminUsers = v } : c,
        [nameof(PoolGuardConfig.PoolMode)] = (r, s, c) => r.PoolMode(s) is { } v ? c with { PoolMode = v } : c,
        [nameof(PoolGuardConfig.DefaultPoolSize)] = (r, s, c) => r.Int(s) is { } v ? c with { DefaultPoolSize = v } : c,
        [nameof(PoolGuardConfig.MinPoolSize)] = (r, s, c) => r.Int(s) is { } v ? c with { MinPoolSize = v } : c,
        [nameof(PoolGuardConfig.MaxClientConn)] = (r, s, c) => r.Int(s) is { } v ? c with { MaxClientConn = v } : c,
        [nameof(PoolGuardConfig.MaxDbConnections)] = (r, s, c) => r.Int(s) is { } v ? c with { MaxDbConnections = v } : c,
        [nameof(PoolGuardConfig.MaxUserConnections)] = (r, s, c) => r.Int(s) is { } v ? c with { MaxUserConnections = v } : c,
        [nameof(PoolGuardConfig.MaxServerConnections)] = (r, s, c) => r.Int(s) is { } v ? c with { MaxServerConnections = v } : c,
        [nameof(PoolGuardConfig.MaxWaitingClients)] = (r, s, c) => r.Int(s) is { } v ? c with { MaxWaitingClients = v } : c,
        [nameof(PoolGuardConfig.QueryWaitTimeout)] = (r, s, c) => r.Duration(s) is { } v ? c with { QueryWaitTimeout = v } : c,
        [nameof(PoolGuardConfig.ClientLoginTimeout)] = (r, s, c) => r.Duration(s) is { } v ? c with { ClientLoginTimeout = v } : c,
        [nameof(PoolGuardConfig.ServerIdleTimeout)] = (r, s, c) => r.Duration(s) is { } v ? c with { ServerIdleTimeout = v } : c,
        [nameof(PoolGuardConfig.ServerLifetime)] = (r, s, c) => r.Duration(s) is { } v ? c with { ServerLifetime = v } : c,
        [nameof(PoolGuardConfig.ServerConnectTimeout)] = (r, s, c) => r.Duration(s) is { } v ? c with { ServerConnectTimeout = v } : c,
        [nameof(PoolGuardConfig.QueryTimeout)] = (r, s, c) => r.Duration(s) is { } v ? c with { QueryTimeout = v } : c,
        [nameof(PoolGuardConfig.IdleTransactionTimeout)] = (r, s, c) => r.Duration(s) is { } v ? c with { IdleTransactionTimeout = v } : c,
        [nameof(PoolGuardConfig.ClientIdleTimeout)] = (r, s, c) => r.Duration(s) is { } v ? c with { ClientIdleTimeout = v } : c,
        [nameof(PoolGuardConfig.MaxPreparedStatements)] = (r, s, c) => r.Int(s) is { } v ? c with { MaxPreparedStatements = v } : c,
        [nameof(PoolGuardConfig.ServerResetQuery)] = (r, s, c) => r.String(s) is { } v ? c with { ServerResetQuery = v } : c,
        [nameof(PoolGuardConfig.IgnoreStartupParameters)] = (r, s, c) => r.List(s) is { } v ? c with { IgnoreStartupParameters = v } : c,
        [nameof(PoolGuardConfig.EventLogFile)] = (r, s, c) => r.String(s) is { } v ? c with { EventLogFile = v.Trim() } : c,
        [nameof(PoolGuardConfig.ShutdownTimeout)] = (r, s, c) => r.Duration(s) is { } v ? c with { ShutdownTimeout = v } : c,
        [nameof(PoolGuardConfig.StatsUsers)] = (r, s, c) => r.List(s) is { } v ? c with { StatsUsers = v } : c,
        [nameof(PoolGuardConfig.StatsPeriod)] = (r, s, c) => r.Duration(s) is { } v ? c with { StatsPeriod = v } : c,
        [nameof(PoolGuardConfig.ClientTlsSslMode)] = (r, s, c) => r.TlsMode(s) is { } v ? c with { ClientTlsSslMode = v } : c,
        [nameof(PoolGuardConfig.ClientTlsCertFile)] = (r, s, c) => r.FilePath(s) is { } v ? c with { ClientTlsCertFile = v } : c,
        [nameof(PoolGuardConfig.ClientTlsKeyFile)] = (r, s, c) => r.FilePath(s) is { } v ? c with { ClientTlsKeyFile = v } : c,
        [nameof(PoolGuardConfig.ClientTlsCaFile)] = (r, s, c) => r.FilePath(s) is { } v ? c with { ClientTlsCaFile = v } : c,
        [nameof(PoolGuardConfig.ClientTlsProtocols)] = (r, s, c) => r.TlsProtocols(s) is { } v ? c with { ClientTlsProtocols = v } : c,
        [nameof(PoolGuardConfig.ServerTlsSslMode)] = (r, s, c) => r.TlsMode(s) is { } v ? c with { ServerTlsSslMode = v } : c,
        [nameof(PoolGuardConfig.ServerTlsCaFile)] = (r, s, c) => r.FilePath(s) is { } v ? c with { ServerTlsCaFile = v } : c,
        [nameof(PoolGuardConfig.ServerTlsCertFile)] = (r, s, c) => r.FilePath(s) is { } v ? c with { ServerTlsCertFile = v } : c,
        [nameof(PoolGuardConfig.ServerTlsKeyFile)] = (r, s, c) => r.FilePath(s) is { } v ? c with { ServerTlsKeyFile = v } : c,
        [nameof(PoolGuardConfig.ServerTlsProtocols)] = (r, s, c) => r.TlsProtocols(s) is { } v ? c with { ServerTlsProtocols = v } : c,
        [nameof(PoolGuardConfig.AdminHttpAddress)] = (r, s, c) => r.String(s) is { } v ? c with { AdminHttpAddress = v.Trim() } : c,
        [nameof(PoolGuardConfig.AdminHttpPort)] = (r, s, c) => r.Int(s) is { } v ? c with { AdminHttpPort = v } : c,
        [nameof(PoolGuardConfig.AdminHttpToken)] = (r, s, c) => r.String(s) is { } v ? c with { AdminHttpToken = v.Trim() } : c,
        [nameof(PoolGuardConfig.WatchInterval)] = (r, s, c) => r.Duration(s) is { } v ? c with { WatchInterval = v } : c,
        [nameof(PoolGuardConfig.WatchQueryTimeout)] = (r, s, c) => r.Duration(s) is { } v ? c with { WatchQueryTimeout = v } : c,
        [nameof(PoolGuardConfig.WatchUser)] = (r, s, c) => r.String(s) is { } v ? c with { WatchUser = v.Trim() } : c,
        [nameof(PoolGuardConfig.WatchPassword)] = (r, s, c) => r.String(s) is { } v ? c with { WatchPassword = v } : c,
        [nameof(PoolGuardConfig.AlertEvaluationInterval)] = (r, s, c) => r.Duration(s) is { } v ? c with { AlertEvaluationInterval = v } : c,
        [nameof(PoolGuardConfig.AlertmanagerUrls)] = (r, s, c) => r.List(s) is { } v ? c with { AlertmanagerUrls = v } : c,
        [nameof(PoolGuardConfig.AlertWebhookUrls)] = (r, s, c) => r.List(s) is { } v ? c with { AlertWebhookUrls = v } : c,
        [nameof(PoolGuardConfig.AlertExternalUrl)] = (r, s, c) => r.String(s) is { } v ? c with { AlertExternalUrl = v.Trim() } : c,
        [nameof(PoolGuardConfig.AlertNotifyTimeout)] = (r, s, c) => r.Duration(s) is { } v ? c with { AlertNotifyTimeout = v } : c,
        [nameof(PoolGuardConfig.AlertResendInterval)] = (r, s, c) => r.Duration(s) is { } v ? c with { AlertResendInterval = v } : c,
    };

    public static readonly IReadOnlyList<string> Keys = [.. Scalars.Keys, Databases, Users, AuthFile, Watch, Alerts];

    /// <summary>Reads the PoolGuard section into a configuration; returns the AuthFile value, if any, for the loader.</summary>
    public static PoolGuardConfig Read(JsonSettingReader reader, IConfigurationSection root, out IConfigurationSection? authFile)
    {
        var config = new PoolGuardConfig();
        authFile = null;
        foreach (var section in reader.KnownChildren(root, Keys))
        {
            if (Scalars.TryGetValue(section.Key, out var apply))
            {
                config = apply(reader, section, config);
            }
            else if (section.Key.Equals(Databases, StringComparison.OrdinalIgnoreCase))
            {
                config = config with { Databases = JsonEntrySettings.ReadDatabases(reader, section) };
            }
            else if (section.Key.Equals(Users, StringComparison.OrdinalIgnoreCase))
            {
                config = config with { Users = JsonEntrySettings.ReadUsers(reader, section) };
            }
            else if (section.Key.Equals(Watch, StringComparison.OrdinalIgnoreCase))
            {
                config = config with { Watch = JsonEntrySettings.ReadWatch(reader, section) };
            }
            else if (section.Key.Equals(Alerts, StringComparison.OrdinalIgnoreCase))
            {
                config = config with { Alerts = JsonEntrySettings.ReadAlerts(reader, section) };
            }
            else
            {
                authFile = section;
            }
        }

        return config;
    }
}
