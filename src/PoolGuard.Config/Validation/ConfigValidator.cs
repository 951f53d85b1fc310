using PoolGuard.Config.Model;
using PoolGuard.Config.Values;

namespace PoolGuard.Config.Validation;

/// <summary>
/// The checks every configuration passes, whichever file it came from. It reports everything it finds
/// rather than stopping at the first problem, names settings as the user wrote them (ListenPort in JSON,
/// listen_port in pgbouncer.ini) and points at the line or key through <see cref="SettingLocations"/>.
/// Errors are configurations that cannot work; warnings are ones that work but probably not as meant.
/// </summary>
internal sealed partial class ConfigValidator
{
    private const int MaxPort = 65535;

    private readonly PoolGuardConfig _config;
    private readonly SettingLocations _where;
    private readonly ConfigDiagnostics _diagnostics;

    private ConfigValidator(PoolGuardConfig config, SettingLocations where, ConfigDiagnostics diagnostics)
    {
        _config = config;
        _where = where;
        _diagnostics = diagnostics;
    }

    public static void Validate(PoolGuardConfig config, SettingLocations where, ConfigDiagnostics diagnostics)
    {
        var validator = new ConfigValidator(config, where, diagnostics);
        validator.CheckListener();
        validator.CheckGlobalLimits();
        validator.CheckTimeouts();
        validator.CheckDatabases();
        validator.CheckUsers();
        validator.CheckAuthentication();
        validator.CheckAdminConsole();
        validator.CheckTls();
        validator.CheckAdminHttp();
        validator.CheckWatch();
        validator.CheckAlerts();
        validator.CheckNotify();
    }

    private void CheckListener()
    {
        var address = _config.ListenAddress;
        if (string.IsNullOrWhiteSpace(address))
        {
            Error("ListenAddress", $"{Name("ListenAddress")} must not be empty; use 127.0.0.1 for local clients only");
        }
        else if (address is "0.0.0.0" or "::")
        {
            var trust = _config.AuthType == AuthType.Trust ? $" With {Name("AuthType")} trust anyone who can reach it gets in without a password." : "";
            Warn("ListenAddress",
                $"{Name("ListenAddress")} {address} listens on every network interface, which exposes the gateway to the network; use 127.0.0.1 unless other hosts must connect.{trust}");
        }

        CheckPort("ListenPort", _config.ListenPort, "");
    }

    private void CheckGlobalLimits()
    {
        if (_config.DefaultPoolSize < 1)
        {
            Error("DefaultPoolSize", $"{Name("DefaultPoolSize")} must be at least 1, got {_config.DefaultPoolSize}: a pool without servers can never serve a client");
        }

        CheckNotNegative("MinPoolSize", _config.MinPoolSize, "");
        if (_config.MinPoolSize > _config.DefaultPoolSize && _config.DefaultPoolSize >= 1)
        {
            Error("MinPoolSize", $"{Name("MinPoolSize")} ({_config.MinPoolSize}) is larger than {Name("DefaultPoolSize")} ({_config.DefaultPoolSize}); lower it or raise the pool size");
        }

        if (_config.MaxClientConn < 1)
        {
            Error("MaxClientConn", $"{Name("MaxClientConn")} must be at least 1, got {_config.MaxClientConn}: no client could ever connect");
        }

        CheckNotNegative("MaxDbConnections", _config.MaxDbConnections, " (0 means no cap)");
        CheckNotNegative("MaxUserConnections", _config.MaxUserConnections, " (0 means no cap)");
        CheckNotNegative("MaxServerConnections", _config.MaxServerConnections, " (0 means no cap)");
        CheckNotNegative("MaxWaitingClients", _config.MaxWaitingClients, " (0 means bounded only by the client limit)");
        CheckNotNegative("MaxPreparedStatements", _config.MaxPreparedStatements, " (0 means prepared statements are not tracked)");
    }

    private void CheckTimeouts()
    {
        (string Path, TimeSpan Value)[] timeouts =
        [
            ("QueryWaitTimeout", _config.QueryWaitTimeout),
            ("ClientLoginTimeout", _config.ClientLoginTimeout),
            ("ServerIdleTimeout", _config.ServerIdleTimeout),
            ("ServerLifetime", _config.ServerLifetime),
            ("ServerConnectTimeout", _config.ServerConnectTimeout),
            ("QueryTimeout", _config.QueryTimeout),
            ("IdleTransactionTimeout", _config.IdleTransactionTimeout),
            ("ClientIdleTimeout", _config.ClientIdleTimeout),
            ("ShutdownTimeout", _config.ShutdownTimeout),
        ];
        foreach (var (path, value) in timeouts)
        {
            if (value < TimeSpan.Zero)
            {
                Error(path, $"{Name(path)} must not be negative, got {DurationParser.Format(value)} (0 turns it off)");
            }
        }
    }

    private void CheckPort(string path, int port, string subject)
    {
        if (port is < 1 or > MaxPort)
        {
            Error(path, $"{subject}{Name(path)} must be between 1 and {MaxPort}, got {port}");
        }
    }

    private void CheckNotNegative(string path, int? value, string meaningOfZero, string subject = "")
    {
        if (value < 0)
        {
            Error(path, $"{subject}{Name(path)} must be 0 or more, got {value}{meaningOfZero}");
        }
    }

    private string Name(string path) => _where.Name(path);

    private void Error(string path, string reason)
    {
        var (file, location) = _where.Find(path);
        _diagnostics.Error(file, location, reason);
    }

    private void Warn(string path, string message)
    {
        var (file, location) = _where.Find(path);
        _diagnostics.Warn(file, location, message);
    }
}
