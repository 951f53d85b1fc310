using PoolGuard.Gateway.Control;
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

    // Each command is a thin call into GatewayControl, which checks, acts and publishes the event;
    // here only the console's argument parsing, waiting and answer remain.

    /// <summary>New queries of the database (or all) wait; returns once every server of it is closed.</summary>
    private static async ValueTask PauseAsync(ConsoleContext context, string argument, ConsoleOutput output)
    {
        var database = Database(argument);
        Run(() => context.Gateway.Control.Pause(database, context.User));
        await WaitAsync(context.Gateway.Control.WhenPausedAsync(database, context.Cancelled), "PAUSE").ConfigureAwait(false);
        output.Complete("PAUSE");
    }

    private static ValueTask Resume(ConsoleContext context, string argument, ConsoleOutput output) =>
        Done(output, "RESUME", () => context.Gateway.Control.Resume(Database(argument), context.User));

    private static ValueTask Disable(ConsoleContext context, string argument, ConsoleOutput output) =>
        Done(output, "DISABLE", () => context.Gateway.Control.Disable(argument.Trim(), context.User));

    private static ValueTask Enable(ConsoleContext context, string argument, ConsoleOutput output) =>
        Done(output, "ENABLE", () => context.Gateway.Control.Enable(argument.Trim(), context.User));

    /// <summary>Drops every client and server of the database (or all) now; the database stays paused until RESUME.</summary>
    private static ValueTask Kill(ConsoleContext context, string argument, ConsoleOutput output) =>
        Done(output, "KILL", () => context.Gateway.Control.Kill(Database(argument), context.User));

    private static ValueTask KillClient(ConsoleContext context, string argument, ConsoleOutput output)
    {
        if (!long.TryParse(argument.Trim(), out var id))
        {
            throw Usage("KILL_CLIENT needs the client's id, as SHOW CLIENTS lists it");
        }
        return Done(output, "KILL_CLIENT", () => context.Gateway.Control.KillClient(id, context.User));
    }

    /// <summary>Every server of the database (or all) is closed once released, so new ones are made (e.g. after a failover).</summary>
    private static ValueTask Reconnect(ConsoleContext context, string argument, ConsoleOutput output) =>
        Done(output, "RECONNECT", () => context.Gateway.Control.Reconnect(Database(argument), context.User));

    /// <summary>Returns once no server of the database (or any) is still waiting to be closed after RECONNECT or RELOAD.</summary>
    private static async ValueTask WaitCloseAsync(ConsoleContext context, string argument, ConsoleOutput output)
    {
        Task waiting = Task.CompletedTask;
        Run(() => waiting = context.Gateway.Control.WhenMarkedClosedAsync(Database(argument), context.Cancelled));
        await WaitAsync(waiting, "WAIT_CLOSE").ConfigureAwait(false);
        output.Complete("WAIT_CLOSE");
    }

    private static ValueTask Reload(ConsoleContext context, string argument, ConsoleOutput output)
    {
        var outcome = context.Gateway.Control.Reload();
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
        return Done(output, "SET", () => context.Gateway.Control.Set(key, value));
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

    private static string? Database(string argument) => argument.Trim() is { Length: > 0 } name ? name : null;

    /// <summary>Runs a control action; its refusal becomes the console's error.</summary>
    private static void Run(Action action)
    {
        try
        {
            action();
        }
        catch (GatewayControlException ex)
        {
            throw new ConsoleCommandException(ex.Error);
        }
    }

    private static ValueTask Done(ConsoleOutput output, string tag, Action action)
    {
        Run(action);
        output.Complete(tag);
        return ValueTask.CompletedTask;
    }

    private static async Task WaitAsync(Task waiting, string command)
    {
        try
        {
            await waiting.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new ConsoleCommandException(PgError.Error(SqlState.QueryCanceled, $"{command} interrupted: the console connection or the gateway is closing"));
        }
    }

    private static ConsoleCommandException Usage(string message) =>
        new(PgError.Error(SqlState.SyntaxError, message, "SHOW HELP lists the commands"));
}
