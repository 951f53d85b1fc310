using System.Runtime.CompilerServices;
using PoolGuard.Gateway.Async;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Hosting;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Relay;
using PoolGuard.Gateway.Servers;
using PoolGuard.Gateway.Transactions;
using PoolGuard.Gateway.Timeouts;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Errors;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Clients;

/// <summary>
/// Transaction and statement pooling: the client holds a server only from the first message of a
/// transaction to the ReadyForQuery that ends it. One client pump runs for the whole session; each
/// link to a server runs its own server pump, and the next link starts only once the last one has
/// finished writing to the client and given its server back.
/// </summary>
internal sealed partial class ClientSession
{
    /// <summary>1 while a transaction's first request waits for its server (set with a full fence).</summary>
    private int _attaching;

    private async Task PoolTransactionsAsync(Pool pool, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var desired = await SettleParametersAsync(pool, parameters).ConfigureAwait(false);
        await SendPooledWelcomeAsync(pool, desired).ConfigureAwait(false);

        var clientStop = new RelayStop();
        var serverStop = new RelayStop();
        using var timeouts = StartTimeouts(clientStop, TransactionStatus.Idle, serverStop);
        var link = new TransactionLink(pool, desired, pool.Mode == PoolMode.Statement, gateway.Config.MaxPreparedStatements)
        {
            Timeouts = timeouts,
        };
        var downstream = new TransactionServerPump(client.Transport, link, serverStop);
        // The running link; a pooled ValueTask, so awaited exactly once (or turned into a Task once, at the end).
        ValueTask? linkTask = null;

        [AsyncMethodBuilder(typeof(ReusedValueTaskMethodBuilder<>))]
        async ValueTask<ServerConnection> AttachAsync()
        {
            if (linkTask is { } previous)
            {
                linkTask = null;
                await previous.ConfigureAwait(false);
            }
            // A request is in hand from here on: a drain must let this transaction run (full fence:
            // see the drain hook below, which reads this after setting the draining flag).
            Interlocked.Exchange(ref _attaching, 1);
            ServerConnection server;
            try
            {
                server = await AcquireForTransactionAsync(pool).ConfigureAwait(false);
            }
            catch
            {
                // Refused or failed: no transaction under way, so a drain may end this client.
                Volatile.Write(ref _attaching, 0);
                throw;
            }
            lock (link.Sync)
            {
                _attaching = 0;
                link.Server = server;
                link.Pending.Clear();
                link.Unsynced = false;
                link.SkipUntilSync = false;
                link.ClientMidMessage = false;
            }
            client.Server = server;
            linkTask = RunLinkAsync(server, link, downstream, clientStop);
            return server;
        }

        // Answers the gateway gives itself (no server linked) wait until the last link is done writing.
        async ValueTask AnswerAsync(ReadOnlyMemory<byte> reply)
        {
            if (linkTask is { } previous)
            {
                linkTask = null;
                await previous.ConfigureAwait(false);
            }
            await client.Transport.SendAsync(reply).ConfigureAwait(false);
        }

        var upstream = new TransactionClientPump(client.Transport, link, clientStop, AttachAsync, AnswerAsync);
        // Graceful shutdown: a client between transactions (no server linked) ends now; one in a
        // transaction ends when its server is released (RunLinkAsync).
        client.OnDrain(() =>
        {
            lock (link.Sync)
            {
                if (link.Server is null && Volatile.Read(ref _attaching) == 0)
                {
                    _drained = true;
                    clientStop.Request(client.Transport.Reader);
                }
            }
        });
        await using var onShutdown = client.ShutdownToken.Register(() =>
        {
            clientStop.Request(client.Transport.Reader);
            StopLinkedServer(link, serverStop);
        });

        // Stopped (by the gateway) until the pump says otherwise: a pump that threw did not see the client go.
        var clientEnd = ClientEnd.Stopped;
        try
        {
            clientEnd = await upstream.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            lock (link.Sync)
            {
                // The client is done: its statements are nobody's now, unless other clients prepared the
                // same (requests already sent still run; the servers close the rest when next handed out).
                link.Statements?.Clear();
            }
            if (linkTask is { } running)
            {
                linkTask = null;
                var last = running.AsTask();
                string? leftWaiting;
                lock (link.Sync)
                {
                    leftWaiting = link.Server is null ? null
                        : ServerWaitsForClient.After(link.ClientMidMessage, downstream.AwaitsCopyData, link.Unsynced);
                }
                if (leftWaiting is not null)
                {
                    // Nothing the server can send will end this: stopped now, the link closes it.
                    if (clientEnd is ClientEnd.Disconnected or ClientEnd.DisconnectedMidMessage or ClientEnd.Terminated)
                    {
                        gateway.Logger.ClientLeftServerWaiting(client.ToString(), leftWaiting, pool.Name);
                    }
                }
                else
                {
                    // The client is done. A query it sent before a half-close is still answered, within
                    // the reset timeout; then whatever the server is doing is stopped and judged.
                    var drained = link.WhenDrainedAsync();
                    if (!drained.IsCompleted)
                    {
                        await WhenAnyWithinResetTimeoutAsync(last, drained).ConfigureAwait(false);
                    }
                }
                StopLinkedServer(link, serverStop);
                await last.ConfigureAwait(false);
            }
        }

        client.OnDrain(null);
        if (client.ShutdownToken.IsCancellationRequested || _drained)
        {
            await TrySendErrorAsync(client.ShutdownReason ?? ShuttingDown).ConfigureAwait(false);
        }
        else if (StoppedByTimeout(clientEnd))
        {
            await SendTimedOutAsync(timeouts!, downstream.AtMessageBoundary).ConfigureAwait(false);
        }
        else if (clientEnd == ClientEnd.ProtocolViolation)
        {
            gateway.Logger.ClientProtocolViolation(client.ToString(), upstream.Violation ?? "");
            await TrySendErrorAsync(PgError.Fatal(SqlState.ProtocolViolation, upstream.Violation ?? "protocol violation")).ConfigureAwait(false);
        }
    }

    private static void StopLinkedServer(TransactionLink link, RelayStop serverStop)
    {
        ServerConnection? server;
        lock (link.Sync)
        {
            server = link.Server;
        }
        if (server?.Transport is { } transport)
        {
            serverStop.Request(transport.Reader);
        }
    }

    /// <summary>One link: relay the server's answers until the transaction ends, then settle the server's fate.</summary>
    [AsyncMethodBuilder(typeof(ReusedValueTaskMethodBuilder))]
    private async ValueTask RunLinkAsync(ServerConnection server, TransactionLink link, TransactionServerPump downstream, RelayStop clientStop)
    {
        var end = await downstream.RunAsync(server).ConfigureAwait(false);
        if (client.Server == server)
        {
            client.Server = null;
        }
        bool clean;
        lock (link.Sync)
        {
            clean = link.Pending.Count == 0 && !link.Unsynced && !link.ClientMidMessage;
            if (link.Server == server)
            {
                link.Server = null;
            }
        }

        switch (end)
        {
            case ServerEnd.Released when downstream.SettingsError is { } error:
                gateway.Logger.ServerLost(server.Pool.Name, $"{client} ({error})");
                gateway.Pools.Close(server);
                break;
            case ServerEnd.Released:
                if (downstream.NeedsRollback)
                {
                    await RollBackAndReleaseAsync(server).ConfigureAwait(false);
                }
                else
                {
                    ReleaseToPool(server);
                }
                if (client.Draining)
                {
                    // The transaction is over and the gateway is shutting down: this client is done.
                    _drained = true;
                    clientStop.Request(client.Transport.Reader);
                }
                break;
            case ServerEnd.Stopped when clean && downstream.AtMessageBoundary:
                // The client left between messages: an open transaction is rolled back, then the
                // server serves others; anything less certain closes it.
                if (server.TransactionStatus == TransactionStatus.Idle)
                {
                    ReleaseToPool(server);
                }
                else
                {
                    if (_timedOut != TimeoutKind.None && link.Timeouts is { } timeouts)
                    {
                        // idle_transaction_timeout: the client hears (and is let go) now, not after a
                        // ROLLBACK that may hang on an unreachable server.
                        await SendTimedOutAsync(timeouts).ConfigureAwait(false);
                        client.Transport.Close();
                    }
                    await RollBackAndReleaseAsync(server).ConfigureAwait(false);
                }
                break;
            case ServerEnd.Disconnected or ServerEnd.ProtocolViolation:
                gateway.Logger.ServerLost(server.Pool.Name, client.ToString());
                gateway.Pools.Close(server);
                if (downstream.AtMessageBoundary && downstream.LastType != BackendMessage.ErrorResponse)
                {
                    await TrySendErrorAsync(PgError.Fatal(SqlState.ConnectionFailure,
                        "server closed the connection unexpectedly", "the PostgreSQL backend ended; reconnect to get a new one")).ConfigureAwait(false);
                }
                clientStop.Request(client.Transport.Reader);
                break;
            default:
                gateway.Pools.Close(server);
                clientStop.Request(client.Transport.Reader);
                break;
        }
    }

    private async Task RollBackAndReleaseAsync(ServerConnection server)
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
}
