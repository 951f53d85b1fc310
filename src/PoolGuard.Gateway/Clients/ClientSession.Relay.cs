using PoolGuard.Gateway.Hosting;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Relay;
using PoolGuard.Protocol.Errors;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Clients;

/// <summary>The session-mode relay: two pumps until either side ends, then decide the server's fate.</summary>
internal sealed partial class ClientSession
{
    private async Task RelayAsync(ServerConnection server, StartupRestore? restore)
    {
        var clientStop = new RelayStop();
        var serverStop = new RelayStop();
        using var timeouts = StartTimeouts(clientStop, server.TransactionStatus, serverStop);
        var upstream = new ClientToServerPump(client.Transport, server, clientStop, timeouts, restore);
        var serverReader = server.Transport!.Reader;
        // Graceful shutdown: a session between transactions (everything answered, status idle) ends now.
        void DrainIfIdle()
        {
            if (Volatile.Read(ref server.PendingReadyForQuery) <= 0 && server.TransactionStatus == TransactionStatus.Idle)
            {
                _drained = true;
                clientStop.Request(client.Transport.Reader);
                serverStop.Request(serverReader);
            }
        }
        var downstream = new ServerToClientPump(client.Transport, server, serverStop, timeouts, restore)
        {
            OnIdle = () =>
            {
                if (client.Draining)
                {
                    DrainIfIdle();
                }
            },
        };
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
                await WhenAnyWithinResetTimeoutAsync(downTask, downstream.WhenDrainedAsync()).ConfigureAwait(false);
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
            Discard(server);
            // The server's own FATAL (e.g. terminated by administrator) already reached the client;
            // otherwise say what happened rather than leave the client with a bare disconnect.
            if (downstream.AtMessageBoundary && downstream.LastType != BackendMessage.ErrorResponse)
            {
                await TrySendErrorAsync(PgError.Fatal(SqlState.ConnectionFailure,
                    "server closed the connection unexpectedly", "the PostgreSQL backend ended; reconnect to get a new one")).ConfigureAwait(false);
            }
            return;
        }

        client.OnDrain(null);
        if (leftWaiting is not null)
        {
            gateway.Logger.ClientLeftServerWaiting(client.ToString(), leftWaiting, server.Pool.Name);
            Discard(server);
            return;
        }
        if (client.ShutdownToken.IsCancellationRequested || _drained)
        {
            // The gateway is going away, and its servers with it.
            Discard(server);
            if (downstream.AtMessageBoundary)
            {
                await TrySendErrorAsync(client.ShutdownReason ?? ShuttingDown).ConfigureAwait(false);
            }
            return;
        }

        if (StoppedByTimeout(clientEnd) && downstream.AtMessageBoundary)
        {
            // Idle too long: the session ends; an open transaction dies with the server connection
            // (a session-mode server is reset or closed below, never handed on mid-transaction).
            await SendTimedOutAsync(timeouts!).ConfigureAwait(false);
        }

        if (clientEnd == ClientEnd.ProtocolViolation)
        {
            gateway.Logger.ClientProtocolViolation(client.ToString(), upstream.Violation ?? "");
            if (downstream.AtMessageBoundary)
            {
                await TrySendErrorAsync(PgError.Fatal(SqlState.ProtocolViolation, upstream.Violation ?? "protocol violation")).ConfigureAwait(false);
            }
        }

        var clean = serverEnd == ServerEnd.Stopped && downstream.AtMessageBoundary
            && (clientEnd is ClientEnd.Terminated or ClientEnd.Disconnected or ClientEnd.ProtocolViolation
                || StoppedByTimeout(clientEnd));
        if (clean)
        {
            await GiveBackAsync(server).ConfigureAwait(false);
        }
        else
        {
            Discard(server);
        }
    }
}
