using PoolGuard.Gateway.Hosting;
using PoolGuard.Gateway.Relay;
using PoolGuard.Gateway.Timeouts;

namespace PoolGuard.Gateway.Clients;

/// <summary>query_timeout, idle_transaction_timeout and client_idle_timeout, the same in every pool mode.</summary>
internal sealed partial class ClientSession
{
    /// <summary>Which idle deadline ended the session; set on the timer's thread before the client pump is stopped.</summary>
    private TimeoutKind _timedOut;

    /// <summary>Set once the client has been told which deadline ended its session.</summary>
    private bool _timedOutSent;

    /// <summary>
    /// The session's deadlines (null when none is configured), armed for a client that is idle
    /// with transaction status <paramref name="status"/>. A query past query_timeout is cancelled
    /// on the server the client is using, and if the cancel goes unanswered that server's pump is
    /// stopped (<paramref name="serverStop"/>) so the link closes it; a deadline that ends the
    /// session stops the client pump.
    /// </summary>
    private SessionTimeouts? StartTimeouts(RelayStop clientStop, byte status, RelayStop? serverStop = null)
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
            if (kind == TimeoutKind.QueryUnanswered && serverStop is not null && client.Server?.Transport is { } frozen)
            {
                serverStop.Request(frozen.Reader);
            }
            clientStop.Request(client.Transport.Reader);
        });
        timeouts?.OnReadyForQuery(status, requestsPending: false);
        return timeouts;
    }

    /// <summary>The client pump stopped because an idle deadline passed.</summary>
    private bool StoppedByTimeout(ClientEnd clientEnd) => clientEnd == ClientEnd.Stopped && _timedOut != TimeoutKind.None;

    /// <summary>
    /// Logs the deadline that ended the session and tells the client, once (an idle transaction's
    /// client is told before its server is rolled back, so a slow ROLLBACK does not delay the news).
    /// Nothing is sent into the middle of a message the server was relaying: then the close says it.
    /// </summary>
    private async Task SendTimedOutAsync(SessionTimeouts timeouts, bool atMessageBoundary = true)
    {
        if (_timedOutSent)
        {
            return;
        }
        _timedOutSent = true;
        gateway.Logger.ClientTimedOut(client.ToString(), SessionTimeouts.SettingName(_timedOut));
        if (atMessageBoundary)
        {
            await TrySendErrorAsync(QueryTimeoutError.Ended(_timedOut, timeouts.Duration(_timedOut))).ConfigureAwait(false);
        }
    }
}
