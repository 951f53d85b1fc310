using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using PoolGuard.Gateway.Async;
using PoolGuard.Gateway.Events;
using PoolGuard.Gateway.Hosting;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Relay;
using PoolGuard.Gateway.Servers;
using PoolGuard.Gateway.Telemetry;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Errors;

namespace PoolGuard.Gateway.Clients;

/// <summary>
/// Getting a server for one client and giving it back: the wait in the pool's queue (counted for
/// SHOW STATS and db.client.connection.wait_time), the login of a new server, the reset or
/// ROLLBACK before it serves anyone else, and db.client.connection.use_time. Whatever ends the
/// session, a server still held here is closed (<see cref="CloseLeftover"/>), so no failure path
/// can leak a counted server.
/// </summary>
internal sealed class ServerLease(GatewayContext gateway, ClientConnection client, SessionEnding ending)
{
    /// <summary>A TLS server idle longer than this is polled for a silent death before it is handed out.</summary>
    private static readonly TimeSpan IdleCheckAfter = TimeSpan.FromSeconds(30);

    /// <summary>A queued client's bytes kept while watching for its end; past this, TCP holds the rest back.</summary>
    private const int MaxWatchedBytes = 64 * 1024;

    /// <summary>The server held from the moment the pool hands it over until it is given back or closed.</summary>
    private ServerConnection? _held;

    /// <summary>When the last server was handed to this client, on the gateway's clock; 0 before the first.</summary>
    private long _assignedAt;

    /// <summary>DISCARD ALL is instant on a healthy server; one that takes longer is not worth keeping.</summary>
    public TimeSpan ResetTimeout =>
        gateway.Config.ServerConnectTimeout > TimeSpan.Zero ? gateway.Config.ServerConnectTimeout : TimeSpan.FromSeconds(15);

    /// <summary>
    /// Session pooling: a server from the pool, logged in and with the client's session settings.
    /// While queued the client's socket is watched, so a client that gives up stops counting as
    /// waiting at once.
    /// </summary>
    public async Task<ServerConnection> AcquireForSessionAsync(Pool pool, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        ending.ThrowIfDraining();
        while (true)
        {
            var server = await WaitWatchingClientAsync(pool).ConfigureAwait(false);
            _held = server;
            if (server.Transport is null)
            {
                await ConnectAsync(server).ConfigureAwait(false);
            }
            else if (!await server.IdleWatch.EndAsync().ConfigureAwait(false) || server.Transport.HasUnexpectedInput())
            {
                // Died while idle (terminated, restarted): drop it and ask again.
                Discard(server);
                continue;
            }

            client.Server = server;
            PgError? error;
            try
            {
                error = await SessionParameters.ApplyAsync(server, parameters, client.ShutdownToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                Discard(server);
                continue;
            }
            catch (ProtocolException ex)
            {
                Discard(server);
                throw new ServerLoginException(PgError.Fatal(SqlState.ConnectionFailure,
                    $"server {server.Host}:{server.Port} broke the protocol: {ex.Message}"), fromServer: false);
            }
            if (error is not null)
            {
                await GiveBackAsync(server).ConfigureAwait(false);
                throw new ClientLoginException(error with { Severity = "FATAL" });
            }
            return server;
        }
    }

    /// <summary>
    /// Transaction pooling: a server for the client's next transaction, from the pool's queue like
    /// any other. The caller owns it from the return on (it is not held here).
    /// </summary>
    [AsyncMethodBuilder(typeof(ReusedValueTaskMethodBuilder<>))]
    public async ValueTask<ServerConnection> AcquireForTransactionAsync(Pool pool)
    {
        ending.ThrowIfDraining();
        while (true)
        {
            var started = BeginWait();
            ServerConnection server;
            try
            {
                server = await gateway.Pools.AcquireAsync(pool, client.Slot, client.ShutdownToken).ConfigureAwait(false);
            }
            finally
            {
                client.WaitStartedAt = 0;
            }
            EndWait(pool, started);
            _held = server;
            var watched = server.IdleWatch.IsWatching;
            if (server.Transport is null)
            {
                await ConnectAsync(server).ConfigureAwait(false);
            }
            else if (!await server.IdleWatch.EndAsync().ConfigureAwait(false)
                || (!watched && gateway.Time.GetElapsedTime(server.LastUsedAt) > IdleCheckAfter && server.Transport.HasUnexpectedInput()))
            {
                // Died while idle (terminated, restarted): drop it, ask again. Unwatched (TLS) servers
                // are polled only after a long idle: two syscalls per transaction are not free.
                Discard(server);
                continue;
            }
            _held = null;
            return server;
        }
    }

    /// <summary>Stops holding a server that has been handed on intact (e.g. released by its caller).</summary>
    public void Forget()
    {
        _held = null;
        client.Server = null;
    }

    /// <summary>Closes a server whose state is unknown or broken, and stops holding it.</summary>
    public void Discard(ServerConnection server)
    {
        _held = null;
        client.Server = null;
        gateway.Pools.Close(server);
    }

    /// <summary>The session is over: a server still held (a failure path left it) is closed.</summary>
    public void CloseLeftover()
    {
        if (_held is { } leftover)
        {
            Discard(leftover);
        }
    }

    /// <summary>Gives a server the client is done with back to the pool, recording how long it was used.</summary>
    public void ReleaseToPool(ServerConnection server)
    {
        if (_assignedAt != 0)
        {
            GatewayMetrics.Record(gateway.Metrics.UseTime, gateway.Time.GetElapsedTime(_assignedAt), server.Pool);
        }
        gateway.Pools.Release(server);
    }

    /// <summary>
    /// Session pooling: resets a server whose client is done and returns it to the pool; closes it
    /// instead when the reset fails or leaves it anywhere but idle.
    /// </summary>
    public async Task GiveBackAsync(ServerConnection server)
    {
        client.Server = null;
        if (!server.IsReusable)
        {
            Discard(server);
            return;
        }
        gateway.Pools.MarkUsed(server);
        var resetQuery = gateway.Config.ServerResetQuery;
        if (!string.IsNullOrWhiteSpace(resetQuery))
        {
            using var timeout = new CancellationTokenSource(ResetTimeout);
            try
            {
                var error = await ServerQuery.RunAsync(server, resetQuery, timeout.Token).ConfigureAwait(false);
                if (error is not null || !server.IsReusable)
                {
                    Discard(server);
                    return;
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ProtocolException or ObjectDisposedException)
            {
                Discard(server);
                return;
            }
        }
        _held = null;
        ReleaseToPool(server);
    }

    /// <summary>Transaction pooling: rolls back a transaction the client left open, then the server serves others; any doubt closes it.</summary>
    public async Task RollBackAndReleaseAsync(ServerConnection server)
    {
        using var timeout = new CancellationTokenSource(ResetTimeout);
        try
        {
            var error = await ServerQuery.RunAsync(server, "ROLLBACK", timeout.Token).ConfigureAwait(false);
            if (error is null && server.IsReusable)
            {
                ReleaseToPool(server);
                return;
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ProtocolException or ObjectDisposedException)
        {
        }
        gateway.Pools.Close(server);
    }

    /// <summary>
    /// Waits for the first of two tasks, at most the reset timeout; the timer is cancelled as soon as
    /// either finishes, so a session that ends at once leaves no 15-second timer behind.
    /// </summary>
    public async Task WhenAnyWithinResetTimeoutAsync(Task first, Task second)
    {
        using var timeout = new CancellationTokenSource();
        var delay = Task.Delay(ResetTimeout, timeout.Token);
        await Task.WhenAny(first, second, delay).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
    }

    private async Task<ServerConnection> WaitWatchingClientAsync(Pool pool)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(client.ShutdownToken);
        var reader = client.Transport.Reader;
        var watchStop = new RelayStop();
        var watch = WatchForDisconnectAsync(reader, watchStop, wait);
        var started = BeginWait();
        try
        {
            var server = await gateway.Pools.AcquireAsync(pool, client.Slot, wait.Token).ConfigureAwait(false);
            EndWait(pool, started);
            return server;
        }
        finally
        {
            client.WaitStartedAt = 0;
            watchStop.Request(reader);
            await watch.ConfigureAwait(false);
        }
    }

    /// <summary>Marks the client as waiting (SHOW CLIENTS wait) and returns when the wait began.</summary>
    private long BeginWait()
    {
        var now = gateway.Time.GetTimestamp();
        client.WaitStartedAt = now;
        return now;
    }

    /// <summary>The client got a server: one assignment, and its wait, for SHOW STATS.</summary>
    private void EndWait(Pool pool, long started)
    {
        var now = gateway.Time.GetTimestamp();
        client.WaitStartedAt = 0;
        client.LastRequestAt = now;
        var waited = gateway.Time.GetElapsedTime(started, now);
        pool.Stats.AddAssignment(waited);
        GatewayMetrics.Record(gateway.Metrics.WaitTime, waited, pool);
        _assignedAt = now;
    }

    /// <summary>
    /// Cancels the wait when the client goes away while queued. Bytes it sends meanwhile (the query
    /// it is queued for) are kept, unconsumed, for the relay; the watch goes on behind them.
    /// </summary>
    private static async Task WatchForDisconnectAsync(PipeReader reader, RelayStop stop, CancellationTokenSource wait)
    {
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                if (result.IsCanceled || result.IsCompleted || buffer.Length > MaxWatchedBytes)
                {
                    // Examine nothing: the relay reads all of it again.
                    reader.AdvanceTo(buffer.Start);
                    if (result.IsCanceled && !stop.IsRequested)
                    {
                        continue; // a cancel meant for an earlier read
                    }
                    if (result.IsCompleted && buffer.IsEmpty && !stop.IsRequested)
                    {
                        await wait.CancelAsync().ConfigureAwait(false);
                    }
                    return;
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (Exception) when (!stop.IsRequested)
        {
            await wait.CancelAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
        }
    }

    private async Task ConnectAsync(ServerConnection server)
    {
        try
        {
            await gateway.Connector.ConnectAsync(server, client.ShutdownToken).ConfigureAwait(false);
            gateway.Pools.MarkLoggedIn(server);
            server.SyncedTo = server.UnreportedFrom = server.Pool.Parameters.NoteFreshServer(server.Parameters, StartupParameters.Applied);
        }
        catch (ServerLoginException ex)
        {
            Discard(server);
            var kind = ex.FromServer ? GatewayEventKind.ServerLoginFailed : GatewayEventKind.ServerConnectFailed;
            gateway.Pools.PublishServerFailure(server.Pool, kind, $"{ex.Error.Code} {ex.Error.Message}");
            gateway.Logger.ServerLoginFailed(server.Pool.Name, ex.Error.Code, ex.Error.Message);
            throw;
        }
        catch
        {
            Discard(server);
            throw;
        }
    }
}
