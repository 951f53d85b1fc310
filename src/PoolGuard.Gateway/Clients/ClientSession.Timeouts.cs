using PoolGuard.Gateway.Hosting;
using PoolGuard.Gateway.Relay;
using PoolGuard.Gateway.Timeouts;

namespace PoolGuard.Gateway.Clients;

/// <summary>query_timeout, idle_transaction_timeout and client_idle_timeout, the same in every pool mode.</summary>
internal sealed partial class ClientSession
{
    /// <summary>Which idle deadline ended the session; set on the timer's thread before the client pump is stopped.</summary>
    private TimeoutKind _timedOut;

    /// <summary>
    /// The session's deadlines (null when none is configured), armed for a client that is idle
    /// with transaction status <paramref name="status"/>. A query past query_timeout is cancelled
    /// on the server the client is using; an idle deadline stops the client pump.
    /// </summary>
    private SessionTimeouts? StartTimeouts(RelayStop clientStop, byte status)
    {
        var timeouts = SessionTimeouts.Create(gateway.Config, gateway.Time, kind =>
        {
            if (kind == TimeoutKind.Query)
            {
                if (client.Server is { } running)
                {
                    _ = gateway.Cancels.CancelServerAsync(running, CancellationToken.None);
                }
                return;
            }
            _timedOut = kind;
            clientStop.Request(client.Transport.Reader);
        });
        timeouts?.OnReadyForQuery(status, requestsPending: false);
        return timeouts;
    }

    /// <summary>The client pump stopped because an idle deadline passed.</summary>
    private bool StoppedByTimeout(ClientEnd clientEnd) => clientEnd == ClientEnd.Stopped && _timedOut != TimeoutKind.None;

    private async Task SendTimedOutAsync(SessionTimeouts timeouts)
    {
        gateway.Logger.ClientTimedOut(client.ToString(), _timedOut.ToString());
        await TrySendErrorAsync(QueryTimeoutError.Idle(_timedOut, timeouts.Duration(_timedOut))).ConfigureAwait(false);
    }
}
