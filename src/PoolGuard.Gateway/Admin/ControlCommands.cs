using PoolGuard.Config;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Clients;
using PoolGuard.Gateway.Events;
using PoolGuard.Protocol.Errors;

namespace PoolGuard.Gateway.Admin;

/// <summary>
/// The console's commands that change things, with PgBouncer's names and meanings: PAUSE, RESUME,
/// DISABLE, ENABLE, KILL, KILL_CLIENT, RECONNECT, WAIT_CLOSE, RELOAD, SET, SHUTDOWN. Admin users only.
/// Commands that wait (PAUSE, WAIT_CLOSE) return once done, as in PgBouncer, or give up with an error
/// when the console's own connection goes away.
/// </summary>
internal static class ControlCommands
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public static readonly ConsoleCommand[] All =
    [
        new("PAUSE", "PAUSE [db]", AdminOnly: true, PauseAsync),
        new("RESUME", "RESUME [db]", AdminOnly: true, Resume),
        new("DISABLE", "DISABLE db", AdminOnly: true, Disable),
        new("ENABLE", "ENABLE db", AdminOnly: true, Enable),
        new("KILL", "KILL [db]", AdminOnly: true, Kill),
        new("KILL_CLIENT", "KILL_CLIENT id", AdminOnly: true, KillClient),
        new("RECONNECT", "RECONNECT [db]", AdminOnly: true, Reconnect),
        new("WAIT_CLOSE", "WAIT_CLOSE [db]", AdminOnly: true, WaitCloseAsync),
        new("RELOAD", "RELOAD", AdminOnly: true, Reload),
        new("SET", "SET key = value", AdminOnly: true, Set),
        new("SHUTDOWN", "SHUTDOWN [WAIT_FOR_SERVERS|WAIT_FOR_CLIENTS]", AdminOnly: true, Shutdown),
    ];

    /// <summary>New queries of the database (or all) wait; returns once every server of it is closed.</summary>
    private static async ValueTask PauseAsync(ConsoleContext context, string argument, ConsoleOutput output)
    {
        var database = OptionalDatabase(context, argument);
        context.Gateway.Pools.Pause(database);
        context.Gateway.Events.Publish(GatewayEventKind.Paused, database is null ? null : PoolOf(database), $"PAUSE {argument}".Trim() + " by " + context.User);
        await UntilAsync(context, () => context.Gateway.Pools.OpenServersOf(database) == 0, "PAUSE").ConfigureAwait(false);
        output.Complete("PAUSE");
    }

    private static ValueTask Resume(ConsoleContext context, string argument, ConsoleOutput output)
    {
        var database = OptionalDatabase(context, argument);
        context.Gateway.Pools.Resume(database);
        context.Gateway.Events.Publish(GatewayEventKind.Resumed, database is null ? null : PoolOf(database), $"RESUME {argument}".Trim() + " by " + context.User);
        output.Complete("RESUME");
        return ValueTask.CompletedTask;
    }

    private static ValueTask Disable(ConsoleContext context, string argument, ConsoleOutput output)
    {
        context.Gateway.DisabledDatabases[RequiredDatabase(context, argument, "DISABLE")] = true;
        output.Complete("DISABLE");
        return ValueTask.CompletedTask;
    }

    private static ValueTask Enable(ConsoleContext context, string argument, ConsoleOutput output)
    {
        context.Gateway.DisabledDatabases.TryRemove(RequiredDatabase(context, argument, "ENABLE"), out _);
        output.Complete("ENABLE");
        return ValueTask.CompletedTask;
    }

    /// <summary>Drops every client and server of the database (or all) now; the database stays paused until RESUME.</summary>
    private static ValueTask Kill(ConsoleContext context, string argument, ConsoleOutput output)
    {
        var database = OptionalDatabase(context, argument);
        context.Gateway.Pools.Pause(database);
        var reason = PgError.Fatal(SqlState.AdminShutdown, "terminating connection due to administrator command (KILL)",
            "an administrator killed this database's connections on the admin console; new ones wait until RESUME");
        var killed = 0;
        foreach (var client in context.Gateway.Registry.Clients)
        {
            if (!client.IsConsole && (database is null || client.Database == database))
            {
                client.RequestShutdown(reason);
                killed++;
            }
        }
        context.Gateway.Events.Publish(GatewayEventKind.Paused, database is null ? null : PoolOf(database),
            $"KILL {argument}".Trim() + $" by {context.User}: {killed} client(s) disconnected",
            new Dictionary<string, long> { ["clients_killed"] = killed });
        output.Complete("KILL");
        return ValueTask.CompletedTask;
    }

    private static ValueTask KillClient(ConsoleContext context, string argument, ConsoleOutput output)
    {
        if (!long.TryParse(argument.Trim(), out var id))
        {
            throw Usage("KILL_CLIENT needs the client's id, as SHOW CLIENTS lists it");
        }
        var client = context.Gateway.Registry.Clients.FirstOrDefault(c => c.ProcessId == id)
            ?? throw new ConsoleCommandException(PgError.Error(SqlState.UndefinedObject, $"no client with id {id}", "SHOW CLIENTS lists the clients and their ids"));
        client.RequestShutdown(PgError.Fatal(SqlState.AdminShutdown, "terminating connection due to administrator command (KILL_CLIENT)"));
        output.Complete("KILL_CLIENT");
        return ValueTask.CompletedTask;
    }

    /// <summary>Every server of the database (or all) is closed once released, so new ones are made (e.g. after a failover).</summary>
    private static ValueTask Reconnect(ConsoleContext context, string argument, ConsoleOutput output)
    {
        var database = OptionalDatabase(context, argument);
        foreach (var server in context.Gateway.Registry.Servers())
        {
            if (database is null || server.Pool.Key.Database == database)
            {
                server.CloseNeeded = true;
            }
        }
        context.Gateway.Pools.CloseIdleMarked();
        output.Complete("RECONNECT");
        return ValueTask.CompletedTask;
    }

    /// <summary>Returns once no server of the database (or any) is still waiting to be closed after RECONNECT or RELOAD.</summary>
    private static async ValueTask WaitCloseAsync(ConsoleContext context, string argument, ConsoleOutput output)
    {
        var database = OptionalDatabase(context, argument);
        await UntilAsync(context, () => !context.Gateway.Registry.Servers().Any(s =>
            s.CloseNeeded && s.State != Pooling.ServerState.Closed && (database is null || s.Pool.Key.Database == database)), "WAIT_CLOSE").ConfigureAwait(false);
        output.Complete("WAIT_CLOSE");
    }

    private static ValueTask Reload(ConsoleContext context, string argument, ConsoleOutput output)
    {
        var outcome = context.Gateway.Server!.Reload();
        if (!outcome.Applied)
        {
            throw new ConsoleCommandException(PgError.Error(SqlState.InvalidParameterValue,
                "RELOAD refused, the previous configuration stays in force: " + string.Join("; ", outcome.Problems)));
        }
        foreach (var change in outcome.Changes)
        {
            output.Notice(new PgError("NOTICE", "00000", change));
        }
        output.Complete("RELOAD");
        return ValueTask.CompletedTask;
    }

    /// <summary>SET key = value: one setting under its pgbouncer.ini name, validated and applied like a reload.</summary>
    private static ValueTask Set(ConsoleContext context, string argument, ConsoleOutput output)
    {
        var equals = argument.IndexOf('=');
        if (equals <= 0)
        {
            throw Usage("SET needs key = value, e.g. SET default_pool_size = 10");
        }
        var key = argument[..equals].Trim();
        var value = argument[(equals + 1)..].Trim();
        if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'')
        {
            value = value[1..^1].Replace("''", "'", StringComparison.Ordinal);
        }
        Config.Model.PoolGuardConfig changed;
        try
        {
            changed = ConfigSetting.With(context.Gateway.Config, key, value);
        }
        catch (ConfigException ex)
        {
            throw new ConsoleCommandException(PgError.Error(SqlState.InvalidParameterValue,
                string.Join("; ", ex.Errors.Select(e => e.ToString())), "SHOW CONFIG lists the settings and which can change"));
        }
        context.Gateway.Server!.Apply(changed);
        output.Complete("SET");
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// SHUTDOWN: close every client now. WAIT_FOR_SERVERS: let transactions finish (the SIGTERM drain,
    /// within shutdown_timeout). WAIT_FOR_CLIENTS: accept no one new and exit when the last client has left.
    /// The answer is sent first; the gateway stops after.
    /// </summary>
    private static ValueTask Shutdown(ConsoleContext context, string argument, ConsoleOutput output)
    {
        var server = context.Gateway.Server!;
        var config = context.Gateway.Config;
        Action stop = argument.Trim().ToUpperInvariant() switch
        {
            "" => () => _ = server.StopAsync(TimeSpan.Zero),
            "WAIT_FOR_SERVERS" => () => _ = server.StopAsync(config.ShutdownTimeout),
            "WAIT_FOR_CLIENTS" => () => _ = server.StopAsync(Timeout.InfiniteTimeSpan, drainClients: false),
            _ => throw Usage("SHUTDOWN takes no argument, WAIT_FOR_SERVERS or WAIT_FOR_CLIENTS"),
        };
        output.Complete("SHUTDOWN");
        output.AfterSend = stop;
        return ValueTask.CompletedTask;
    }

    private static async Task UntilAsync(ConsoleContext context, Func<bool> done, string command)
    {
        try
        {
            while (!done())
            {
                await Task.Delay(PollInterval, context.Cancelled).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            throw new ConsoleCommandException(PgError.Error(SqlState.QueryCanceled, $"{command} interrupted: the console connection or the gateway is closing"));
        }
    }

    private static string? OptionalDatabase(ConsoleContext context, string argument)
    {
        var name = argument.Trim();
        if (name.Length == 0)
        {
            return null;
        }
        return context.Gateway.Config.FindDatabase(name) is not null
            ? name
            : throw new ConsoleCommandException(PgError.Error(SqlState.InvalidCatalogName, $"no database \"{name}\" in the configuration", "SHOW DATABASES lists them"));
    }

    private static string RequiredDatabase(ConsoleContext context, string argument, string command) =>
        OptionalDatabase(context, argument) ?? throw Usage($"{command} needs a database name");

    private static string PoolOf(string database) => database + "/*";

    private static ConsoleCommandException Usage(string message) =>
        new(PgError.Error(SqlState.SyntaxError, message, "SHOW HELP lists the commands"));
}
