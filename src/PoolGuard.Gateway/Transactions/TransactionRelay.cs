using System.Runtime.CompilerServices;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Async;
using PoolGuard.Gateway.Clients;
using PoolGuard.Gateway.Hosting;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Relay;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Transactions;

/// <summary>
/// Transaction and statement pooling, from the welcome to the client's last word. The client holds
/// a server only from the first message of a transaction to the ReadyForQuery that ends it. One
/// <see cref="TransactionClientPump"/> runs for the whole session and asks this relay for a server
/// (<see cref="AttachAsync"/>) when a request arrives with none linked; each link runs its own
/// <see cref="TransactionServerPump"/>, which decides when the transaction is over, and this relay
/// carries that out (<see cref="RunLinkAsync"/>: release, ROLLBACK, or close). The next link starts
/// only once the last one has finished writing to the client and given its server back.
/// </summary>
internal sealed class TransactionRelay(GatewayContext gateway, ClientConnection client, ServerLease lease, SessionEnding ending, Pool pool)
    : ILinkOwner
{
    private readonly RelayStop _clientStop = new();
    private readonly RelayStop _serverStop = new();
    private TransactionLink _link = null!;
    private TransactionServerPump _downstream = null!;

    /// <summary>The running link; a pooled ValueTask, so awaited exactly once (or turned into a Task once, at the end).</summary>
    private ValueTask? _linkTask;

    /// <summary>1 while a transaction's first request waits for its server (set with a full fence).</summary>
    private int _attaching;

    public async Task RunAsync(IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var welcome = new PooledWelcome(gateway, client, lease);
        var desired = await welcome.SettleAsync(pool, parameters, resetLearner: false).ConfigureAwait(false);
        await welcome.SendAsync(pool, desired).ConfigureAwait(false);

        using var timeouts = ending.StartTimeouts(_clientStop, TransactionStatus.Idle, _serverStop);
        _link = new TransactionLink(pool, desired, pool.Mode == PoolMode.Statement, gateway.Config.MaxPreparedStatements)
        {
            Timeouts = timeouts,
        };
        _downstream = new TransactionServerPump(client.Transport, _link, _serverStop);
        var upstream = new TransactionClientPump(client.Transport, _link, _clientStop, this);
        client.OnDrain(DrainBetweenTransactions);
        await using var onShutdown = client.ShutdownToken.Register(() =>
        {
            _clientStop.Request(client.Transport.Reader);
            StopLinkedServer();
        });

        // Stopped (by the gateway) until the pump says otherwise: a pump that threw did not see the client go.
        var clientEnd = ClientEnd.Stopped;
        try
        {
            clientEnd = await upstream.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            await FinishLastLinkAsync(clientEnd).ConfigureAwait(false);
        }

        client.OnDrain(null);
        if (ending.EndedByGateway)
        {
            await ending.SendShutdownAsync().ConfigureAwait(false);
        }
        else if (ending.StoppedByTimeout(clientEnd))
        {
            await ending.SendTimedOutAsync(timeouts!, _downstream.AtMessageBoundary).ConfigureAwait(false);
        }
        else if (clientEnd == ClientEnd.ProtocolViolation)
        {
            await ending.SendViolationAsync(upstream.Violation).ConfigureAwait(false);
        }
    }

    [AsyncMethodBuilder(typeof(ReusedValueTaskMethodBuilder<>))]
    public async ValueTask<ServerConnection> AttachAsync()
    {
        if (_linkTask is { } previous)
        {
            _linkTask = null;
            await previous.ConfigureAwait(false);
        }
        // A request is in hand from here on: a drain must let this transaction run (full fence:
        // see DrainBetweenTransactions, which reads this after the draining flag is set).
        Interlocked.Exchange(ref _attaching, 1);
        ServerConnection server;
        try
        {
            server = await lease.AcquireForTransactionAsync(pool).ConfigureAwait(false);
        }
        catch
        {
            // Refused or failed: no transaction under way, so a drain may end this client.
            Volatile.Write(ref _attaching, 0);
            throw;
        }
        var link = _link;
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
        _linkTask = RunLinkAsync(server);
        return server;
    }

    /// <summary>Answers the gateway gives itself (no server linked) wait until the last link is done writing.</summary>
    public async ValueTask AnswerAsync(ReadOnlyMemory<byte> reply)
    {
        if (_linkTask is { } previous)
        {
            _linkTask = null;
            await previous.ConfigureAwait(false);
        }
        await client.Transport.SendAsync(reply).ConfigureAwait(false);
    }

    /// <summary>
    /// Graceful shutdown: a client between transactions (no server linked) ends now; one in a
    /// transaction ends when its server is released (<see cref="RunLinkAsync"/>).
    /// </summary>
    private void DrainBetweenTransactions()
    {
        lock (_link.Sync)
        {
            if (_link.Server is null && Volatile.Read(ref _attaching) == 0)
            {
                ending.MarkDrained();
                _clientStop.Request(client.Transport.Reader);
            }
        }
    }

    /// <summary>
    /// The client pump is done: the link still running is let finish what the server can finish on
    /// its own (within the reset timeout), or stopped at once when only the client could have ended it.
    /// </summary>
    private async Task FinishLastLinkAsync(ClientEnd clientEnd)
    {
        var link = _link;
        lock (link.Sync)
        {
            // The client is done: its statements are nobody's now, unless other clients prepared the
            // same (requests already sent still run; the servers close the rest when next handed out).
            link.Statements?.Clear();
        }
        if (_linkTask is not { } running)
        {
            return;
        }
        _linkTask = null;
        var last = running.AsTask();
        string? leftWaiting;
        lock (link.Sync)
        {
            leftWaiting = link.Server is null ? null
                : ServerWaitsForClient.After(link.ClientMidMessage, _downstream.AwaitsCopyData, link.Unsynced);
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
                await lease.WhenAnyWithinResetTimeoutAsync(last, drained).ConfigureAwait(false);
            }
        }
        StopLinkedServer();
        await last.ConfigureAwait(false);
    }

    private void StopLinkedServer()
    {
        ServerConnection? server;
        lock (_link.Sync)
        {
            server = _link.Server;
        }
        if (server?.Transport is { } transport)
        {
            _serverStop.Request(transport.Reader);
        }
    }

    /// <summary>One link: relay the server's answers until the transaction ends, then settle the server's fate.</summary>
    [AsyncMethodBuilder(typeof(ReusedValueTaskMethodBuilder))]
    private async ValueTask RunLinkAsync(ServerConnection server)
    {
        var link = _link;
        var downstream = _downstream;
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
                    await lease.RollBackAndReleaseAsync(server).ConfigureAwait(false);
                }
                else
                {
                    lease.ReleaseToPool(server);
                }
                if (client.Draining)
                {
                    // The transaction is over and the gateway is shutting down: this client is done.
                    ending.MarkDrained();
                    _clientStop.Request(client.Transport.Reader);
                }
                break;
            case ServerEnd.Stopped when clean && downstream.AtMessageBoundary:
                // The client left between messages: an open transaction is rolled back, then the
                // server serves others; anything less certain closes it.
                if (server.TransactionStatus == TransactionStatus.Idle)
                {
                    lease.ReleaseToPool(server);
                }
                else
                {
                    if (ending.TimedOut && link.Timeouts is { } timeouts)
                    {
                        // idle_transaction_timeout: the client hears (and is let go) now, not after a
                        // ROLLBACK that may hang on an unreachable server.
                        await ending.SendTimedOutAsync(timeouts).ConfigureAwait(false);
                        client.Transport.Close();
                    }
                    await lease.RollBackAndReleaseAsync(server).ConfigureAwait(false);
                }
                break;
            case ServerEnd.Disconnected or ServerEnd.ProtocolViolation:
                gateway.Logger.ServerLost(server.Pool.Name, client.ToString());
                gateway.Pools.Close(server);
                await ending.SendServerLostAsync(downstream.AtMessageBoundary, downstream.LastType).ConfigureAwait(false);
                _clientStop.Request(client.Transport.Reader);
                break;
            default:
                gateway.Pools.Close(server);
                _clientStop.Request(client.Transport.Reader);
                break;
        }
    }
}
