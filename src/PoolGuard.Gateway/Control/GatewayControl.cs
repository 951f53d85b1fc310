using PoolGuard.Config.Model;
using PoolGuard.Gateway.Events;
using PoolGuard.Gateway.Hosting;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Protocol.Errors;

namespace PoolGuard.Gateway.Control;

/// <summary>
/// Everything that changes the running gateway, in one place for every caller: the admin console
/// today, the HTTP API, the dashboard and drills next. Each action checks its argument, acts, and
/// publishes its event naming who asked (<paramref name="by"/> in every method), so an incident
/// timeline shows every PAUSE, DISABLE, KILL or RECONNECT whoever issued it. Waiting (until a pause
/// has closed the servers, until marked servers are gone) is separate, for callers that wait.
/// </summary>
public sealed class GatewayControl
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private readonly GatewayContext _gateway;

    internal GatewayControl(GatewayContext gateway) => _gateway = gateway;

    /// <summary>New queries of <paramref name="database"/> (null: every database) wait; servers close as their transactions end.</summary>
    public void Pause(string? database, string by)
    {
        Check(database);
        _gateway.Pools.Pause(database);
        Publish(GatewayEventKind.Paused, database, $"PAUSE {database}".Trim() + " by " + by);
    }

    /// <summary>Completes once no server of <paramref name="database"/> (or any) is open: the pause is complete.</summary>
    public Task WhenPausedAsync(string? database, CancellationToken cancellationToken) =>
        UntilAsync(() => _gateway.Pools.OpenServersOf(database) == 0, cancellationToken);

    public void Resume(string? database, string by)
    {
        Check(database);
        _gateway.Pools.Resume(database);
        Publish(GatewayEventKind.Resumed, database, $"RESUME {database}".Trim() + " by " + by);
    }

    /// <summary>New clients of <paramref name="database"/> are refused until <see cref="Enable"/>; connected ones carry on.</summary>
    public void Disable(string database, string by)
    {
        Check(Required(database, "DISABLE"));
        _gateway.DisabledDatabases[database] = true;
        Publish(GatewayEventKind.Disabled, database, $"DISABLE {database} by {by}: new clients are refused until ENABLE");
    }

    public void Enable(string database, string by)
    {
        Check(Required(database, "ENABLE"));
        _gateway.DisabledDatabases.TryRemove(database, out _);
        Publish(GatewayEventKind.Enabled, database, $"ENABLE {database} by {by}");
    }

    /// <summary>Pauses <paramref name="database"/> (or all) and disconnects its clients now; returns how many.</summary>
    public int Kill(string? database, string by)
    {
        Check(database);
        _gateway.Pools.Pause(database);
        var reason = PgError.Fatal(SqlState.AdminShutdown, "terminating connection due to administrator command (KILL)",
            "an administrator killed this database's connections; new ones wait until RESUME");
        var killed = 0;
        foreach (var client in _gateway.Registry.Clients)
        {
            if (!client.IsConsole && (database is null || client.Database == database))
            {
                client.RequestShutdown(reason);
                killed++;
            }
        }
        Publish(GatewayEventKind.Paused, database, $"KILL {database}".Trim() + $" by {by}: {killed} client(s) disconnected",
            new Dictionary<string, long> { ["clients_killed"] = killed });
        return killed;
    }

    /// <summary>Disconnects the client SHOW CLIENTS lists with id <paramref name="id"/>.</summary>
    public void KillClient(long id, string by)
    {
        var client = _gateway.Registry.Clients.FirstOrDefault(c => c.ProcessId == id)
            ?? throw new GatewayControlException(PgError.Error(SqlState.UndefinedObject, $"no client with id {id}", "SHOW CLIENTS lists the clients and their ids"));
        client.RequestShutdown(PgError.Fatal(SqlState.AdminShutdown, "terminating connection due to administrator command (KILL_CLIENT)"));
        Publish(GatewayEventKind.ClientKilled, client.Database.Length > 0 ? client.Database + "/" + client.User : null,
            $"KILL_CLIENT {id} by {by}: {client}", new Dictionary<string, long> { ["client_id"] = id });
    }

    /// <summary>Every server of <paramref name="database"/> (or all) is replaced: closed now if idle, else when released. Returns how many were marked.</summary>
    public int Reconnect(string? database, string by)
    {
        Check(database);
        var marked = 0;
        foreach (var server in _gateway.Registry.Servers())
        {
            if ((database is null || server.Pool.Key.Database == database) && server.State != ServerState.Closed)
            {
                server.CloseNeeded = true;
                marked++;
            }
        }
        _gateway.Pools.CloseIdleMarked();
        Publish(GatewayEventKind.ServersReconnected, database, $"RECONNECT {database}".Trim() + $" by {by}: {marked} server(s) to be replaced",
            new Dictionary<string, long> { ["servers_marked"] = marked });
        return marked;
    }

    /// <summary>Completes once no server of <paramref name="database"/> (or any) marked by RECONNECT or a reload is still open.</summary>
    public Task WhenMarkedClosedAsync(string? database, CancellationToken cancellationToken)
    {
        Check(database);
        return UntilAsync(() => !_gateway.Registry.Servers().Any(s =>
            s.CloseNeeded && s.State != ServerState.Closed && (database is null || s.Pool.Key.Database == database)), cancellationToken);
    }

    /// <summary>Reads the configuration file again (published as reloaded or reload_failed).</summary>
    public ReloadOutcome Reload() => _gateway.Server!.Reload();

    /// <summary>Changes one setting by its pgbouncer.ini name, validated and applied like a reload.</summary>
    public ReloadOutcome Set(string key, string value)
    {
        PoolGuardConfig changed;
        try
        {
            changed = Config.ConfigSetting.With(_gateway.Config, key, value);
        }
        catch (Config.ConfigException ex)
        {
            throw new GatewayControlException(PgError.Error(SqlState.InvalidParameterValue,
                string.Join("; ", ex.Errors.Select(e => e.ToString())), "SHOW CONFIG lists the settings and which can change"));
        }
        return _gateway.Server!.Apply(changed);
    }

    private void Publish(GatewayEventKind kind, string? database, string detail, IReadOnlyDictionary<string, long>? numbers = null) =>
        _gateway.Events.Publish(kind, database is null ? null : database.Contains('/') ? database : database + "/*", detail, numbers);

    private void Check(string? database)
    {
        if (database is not null && _gateway.Config.FindDatabase(database) is null)
        {
            throw new GatewayControlException(PgError.Error(SqlState.InvalidCatalogName,
                $"no database \"{database}\" in the configuration", "SHOW DATABASES lists them"));
        }
    }

    private static string Required(string? database, string action) =>
        string.IsNullOrWhiteSpace(database)
            ? throw new GatewayControlException(PgError.Error(SqlState.SyntaxError, $"{action} needs a database name", "SHOW HELP lists the commands"))
            : database;

    private static async Task UntilAsync(Func<bool> done, CancellationToken cancellationToken)
    {
        while (!done())
        {
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
