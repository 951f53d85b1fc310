using PoolGuard.Gateway.Clients;
using PoolGuard.Gateway.Hosting;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Relay;

/// <summary>
/// Session pooling, from the welcome to the server's fate. The client is logged in at once and
/// takes a server at its first message, as PgBouncer does: a driver's connect call then never waits
/// in the pool's queue (its connect timeout stops counting queue time), and a client that connects
/// early and queries later holds no server in between. Then two pumps run until either side ends,
/// and the server is reset and given back, or closed when its state is in doubt.
/// </summary>
internal sealed class SessionRelay(GatewayContext gateway, ClientConnection client, ServerLease lease, SessionEnding ending)
    : ISessionIdleListener
{
    private readonly PooledWelcome _welcome = new(gateway, client, lease);
    private RelayStop? _clientStop;
    private RelayStop? _serverStop;
    private ServerConnection? _server;

    public async Task RunAsync(Pool pool, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var desired = await _welcome.SettleAsync(pool, parameters, resetLearner: true).ConfigureAwait(false);
        await _welcome.SendAsync(pool, desired).ConfigureAwait(false);
        if (!await WaitForFirstMessageAsync().ConfigureAwait(false))
        {
            return;
        }
        var server = await lease.AcquireForSessionAsync(pool, parameters).ConfigureAwait(false);
        await RelayAsync(server, SessionParameters.RestoreFor(parameters)).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits, holding no server, until the client sends something. False when it left instead
    /// (closed, or sent only Terminate), or was ended by a drain, a shutdown or client_idle_timeout,
    /// in which case it has been told why. What it sent stays unread for the relay.
    /// </summary>
    private async Task<bool> WaitForFirstMessageAsync()
    {
        var reader = client.Transport.Reader;
        var stop = new RelayStop();
        using var timeouts = ending.StartTimeouts(stop, TransactionStatus.Idle);
        client.OnDrain(() =>
        {
            ending.MarkDrained();
            stop.Request(reader);
        });
        try
        {
            await using var onShutdown = client.ShutdownToken.Register(() => stop.Request(reader));
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                reader.AdvanceTo(buffer.Start);
                if (result.IsCanceled)
                {
                    if (stop.IsRequested)
                    {
                        break;
                    }
                    continue; // a cancel meant for an earlier read
                }
                if (buffer.IsEmpty)
                {
                    return false;
                }
                return !MessageHeader.StartsWith(buffer, FrontendMessage.Terminate);
            }
        }
        finally
        {
            client.OnDrain(null);
        }

        if (ending.EndedByGateway)
        {
            await ending.SendShutdownAsync().ConfigureAwait(false);
        }
        else if (ending.TimedOut)
        {
            await ending.SendTimedOutAsync(timeouts!).ConfigureAwait(false);
        }
        return false;
    }

    /// <summary>At the server pump's idle ReadyForQuery: a draining gateway ends the session here.</summary>
    void ISessionIdleListener.OnSessionIdle()
    {
        if (client.Draining)
        {
            DrainIfIdle();
        }
    }

    /// <summary>Graceful shutdown: a session between transactions (everything answered, status idle) ends now.</summary>
    private void DrainIfIdle()
    {
        var server = _server!;
        if (Volatile.Read(ref server.PendingReadyForQuery) <= 0 && server.TransactionStatus == TransactionStatus.Idle)
        {
            ending.MarkDrained();
            _clientStop!.Request(client.Transport.Reader);
            _serverStop!.Request(server.Transport!.Reader);
        }
    }

    /// <summary>Two pumps until either side ends, then the server's fate.</summary>
    private async Task RelayAsync(ServerConnection server, StartupRestore? restore)
    {
        var clientStop = _clientStop = new RelayStop();
        var serverStop = _serverStop = new RelayStop();
        _server = server;
        using var timeouts = ending.StartTimeouts(clientStop, server.TransactionStatus, serverStop);
        var upstream = new ClientToServerPump(client.Transport, server, clientStop, timeouts, restore);
        var serverReader = server.Transport!.Reader;
        var downstream = new ServerToClientPump(client.Transport, server, serverStop, timeouts, restore, this);
        client.OnDrain(DrainIfIdle);

        await using var onShutdown = client.ShutdownToken.Register(() =>
        {
            clientStop.Request(client.Transport.Reader);
            serverStop.Request(serverReader);
        });

        var upTask = upstream.RunAsync();
        var downTask = downstream.RunAsync();
        string? leftWaiting = null;
        if (await Task.WhenAny(upTask, downTask).ConfigureAwait(false) == upTask)
        {
            var end = await upTask.ConfigureAwait(false);
            if (end is ClientEnd.Disconnected or ClientEnd.DisconnectedMidMessage)
            {
                leftWaiting = ServerWaitsForClient.After(end == ClientEnd.DisconnectedMidMessage, downstream.AwaitsCopyData, server.HasUnsyncedMessages);
            }
            if (leftWaiting is null && end == ClientEnd.Disconnected && Volatile.Read(ref server.PendingReadyForQuery) > 0)
            {
                // End of stream right after a query: a half-close looks the same as a close. PostgreSQL
                // answers what it read before the end, so the server may finish (within the reset
                // timeout) before it is stopped; a client that is really gone fails the write first.
                await lease.WhenAnyWithinResetTimeoutAsync(downTask, downstream.WhenDrainedAsync()).ConfigureAwait(false);
            }
            serverStop.Request(serverReader);
        }
        else
        {
            clientStop.Request(client.Transport.Reader);
        }
        var clientEnd = await upTask.ConfigureAwait(false);
        var serverEnd = await downTask.ConfigureAwait(false);

        if (serverEnd is ServerEnd.Disconnected or ServerEnd.ProtocolViolation)
        {
            gateway.Logger.ServerLost(server.Pool.Name, client.ToString());
            lease.Discard(server);
            // The server's own FATAL (e.g. terminated by administrator) already reached the client;
            // otherwise say what happened rather than leave the client with a bare disconnect.
            await ending.SendServerLostAsync(downstream.AtMessageBoundary, downstream.LastType).ConfigureAwait(false);
            return;
        }

        client.OnDrain(null);
        if (leftWaiting is not null)
        {
            gateway.Logger.ClientLeftServerWaiting(client.ToString(), leftWaiting, server.Pool.Name);
            lease.Discard(server);
            return;
        }
        if (ending.EndedByGateway)
        {
            // The gateway is going away, and its servers with it.
            lease.Discard(server);
            if (downstream.AtMessageBoundary)
            {
                await ending.SendShutdownAsync().ConfigureAwait(false);
            }
            return;
        }

        if (ending.StoppedByTimeout(clientEnd) && downstream.AtMessageBoundary)
        {
            // Idle too long: the session ends; an open transaction dies with the server connection
            // (a session-mode server is reset or closed below, never handed on mid-transaction).
            await ending.SendTimedOutAsync(timeouts!).ConfigureAwait(false);
        }

        if (clientEnd == ClientEnd.ProtocolViolation)
        {
            await ending.SendViolationAsync(upstream.Violation, downstream.AtMessageBoundary).ConfigureAwait(false);
        }

        var clean = serverEnd == ServerEnd.Stopped && downstream.AtMessageBoundary
            && (clientEnd is ClientEnd.Terminated or ClientEnd.Disconnected or ClientEnd.ProtocolViolation
                || ending.StoppedByTimeout(clientEnd));
        if (clean)
        {
            await lease.GiveBackAsync(server).ConfigureAwait(false);
        }
        else
        {
            lease.Discard(server);
        }
    }
}
