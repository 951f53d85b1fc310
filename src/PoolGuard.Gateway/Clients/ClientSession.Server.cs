using System.IO.Pipelines;
using PoolGuard.Gateway.Events;
using PoolGuard.Gateway.Hosting;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Relay;
using PoolGuard.Gateway.Servers;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Errors;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Clients;

/// <summary>Getting a server for the client and giving it back.</summary>
internal sealed partial class ClientSession
{
    /// <summary>
    /// A server from the pool, logged in and with the client's session settings. While queued the
    /// client's socket is watched, so a client that gives up stops counting as waiting at once.
    /// </summary>
    private async Task<ServerConnection> AcquireServerAsync(Pool pool, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        ThrowIfDraining();
        while (true)
        {
            var server = await WaitForServerAsync(pool).ConfigureAwait(false);
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

    private async Task<ServerConnection> WaitForServerAsync(Pool pool)
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
        Telemetry.GatewayMetrics.Record(gateway.Metrics.WaitTime, waited, pool);
        _assignedAt = now;
    }

    /// <summary>A queued client's bytes kept while watching for its end; past this, TCP holds the rest back.</summary>
    private const int MaxWatchedBytes = 64 * 1024;

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

    /// <summary>AuthenticationOk, the server's parameters, the gateway's cancel key, ReadyForQuery.</summary>
    private async Task SendWelcomeAsync(ServerConnection server)
    {
        await MessageIO.SendAsync(client.Transport, w =>
        {
            MessageWriter.WriteAuthenticationRequest(w, AuthenticationCode.Ok);
            foreach (var (name, value) in server.Parameters)
            {
                MessageWriter.WriteParameterStatus(w, name, value);
            }
            MessageWriter.WriteBackendKeyData(w, client.ProcessId, client.SecretKey);
            MessageWriter.WriteReadyForQuery(w, server.TransactionStatus);
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Resets a server whose client is done and returns it to the pool; closes it instead when the
    /// reset fails or leaves it anywhere but idle.
    /// </summary>
    private async Task GiveBackAsync(ServerConnection server)
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

    /// <summary>
    /// Waits for the first of two tasks, at most the reset timeout; the timer is cancelled as soon as
    /// either finishes, so a session that ends at once leaves no 15-second timer behind.
    /// </summary>
    private async Task WhenAnyWithinResetTimeoutAsync(Task first, Task second)
    {
        using var timeout = new CancellationTokenSource();
        var delay = Task.Delay(ResetTimeout, timeout.Token);
        await Task.WhenAny(first, second, delay).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>DISCARD ALL is instant on a healthy server; one that takes longer is not worth keeping.</summary>
    private TimeSpan ResetTimeout =>
        gateway.Config.ServerConnectTimeout > TimeSpan.Zero ? gateway.Config.ServerConnectTimeout : TimeSpan.FromSeconds(15);
}
