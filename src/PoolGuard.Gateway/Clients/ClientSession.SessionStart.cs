using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Relay;
using PoolGuard.Gateway.Timeouts;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Clients;

/// <summary>
/// Session pooling's start: the client is logged in at once and takes a server at its first
/// message, as PgBouncer does. A driver's connect call then never waits in the pool's queue, so
/// its connect timeout stops counting queue time, and a client that connects early and queries
/// later holds no server in between.
/// </summary>
internal sealed partial class ClientSession
{
    private async Task PoolSessionAsync(Pool pool, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        if (KnownParameters(pool, parameters) is not { } desired)
        {
            // The pool's first client, or a setting value it has not met: a server must say what it
            // reports (and whether the value is valid) before the client can be welcomed. The server
            // is reset and given back at once, so this client takes one at its first message like
            // every other: holding it through the login would let a driver deadlock the pool (Npgsql's
            // first connections wait for the one loading the database's types, which needs a server).
            var learner = await AcquireServerAsync(pool, parameters).ConfigureAwait(false);
            LearnSpellings(pool, parameters, learner);
            await GiveBackAsync(learner).ConfigureAwait(false);
            desired = KnownParameters(pool, parameters)!;
        }
        await SendPooledWelcomeAsync(pool, desired).ConfigureAwait(false);
        if (!await WaitForFirstMessageAsync().ConfigureAwait(false))
        {
            return;
        }
        var server = await AcquireServerAsync(pool, parameters).ConfigureAwait(false);
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
        using var timeouts = StartTimeouts(stop, TransactionStatus.Idle);
        client.OnDrain(() =>
        {
            _drained = true;
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
                return buffer.FirstSpan[0] != FrontendMessage.Terminate;
            }
        }
        finally
        {
            client.OnDrain(null);
        }

        if (client.ShutdownToken.IsCancellationRequested || _drained)
        {
            await TrySendErrorAsync(client.ShutdownReason ?? ShuttingDown).ConfigureAwait(false);
        }
        else if (_timedOut != TimeoutKind.None)
        {
            await SendTimedOutAsync(timeouts!).ConfigureAwait(false);
        }
        return false;
    }
}
