using PoolGuard.Gateway.Hosting;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Relay;
using PoolGuard.Gateway.Timeouts;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Errors;

namespace PoolGuard.Gateway.Clients;

/// <summary>
/// What may end a logged-in session other than the client itself — a drain, a shutdown,
/// query_timeout, idle_transaction_timeout, client_idle_timeout — and the last word the client is
/// told. One per session, shared by whichever relay runs it.
/// </summary>
internal sealed class SessionEnding(GatewayContext gateway, ClientConnection client)
{
    /// <summary>Set when a graceful shutdown ended this session at a transaction boundary.</summary>
    private volatile bool _drained;

    /// <summary>Which idle deadline ended the session; set on the timer's thread before the client pump is stopped.</summary>
    private TimeoutKind _timedOut;

    /// <summary>Set once the client has been told which deadline ended its session.</summary>
    private bool _timedOutSent;

    internal static PgError ShuttingDown =>
        PgError.Fatal(SqlState.AdminShutdown, "PoolGuard is shutting down", "reconnect once the gateway is back");

    /// <summary>An idle deadline has fired (the client pump was stopped for it).</summary>
    public bool TimedOut => _timedOut != TimeoutKind.None;

    /// <summary>Records that a drain ends this session; the caller stops the pumps.</summary>
    public void MarkDrained() => _drained = true;

    /// <summary>The gateway is shutting down, or a drain ended the session: the client hears 57P01 (or the shutdown's reason).</summary>
    public bool EndedByGateway => client.ShutdownToken.IsCancellationRequested || _drained;

    /// <summary>Refuses new work once the gateway is draining: the session ends with 57P01 instead.</summary>
    public void ThrowIfDraining()
    {
        if (client.Draining)
        {
            _drained = true;
            throw new PoolRefusedException(ShuttingDown);
        }
    }

    /// <summary>
    /// The session's deadlines (null when none is configured), armed for a client that is idle
    /// with transaction status <paramref name="status"/>. A query past query_timeout is cancelled
    /// on the server the client is using, and if the cancel goes unanswered that server's pump is
    /// stopped (<paramref name="serverStop"/>) so the relay closes it; a deadline that ends the
    /// session stops the client pump.
    /// </summary>
    public SessionTimeouts? StartTimeouts(RelayStop clientStop, byte status, RelayStop? serverStop = null)
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
    public bool StoppedByTimeout(ClientEnd clientEnd) => clientEnd == ClientEnd.Stopped && _timedOut != TimeoutKind.None;

    /// <summary>
    /// Logs the deadline that ended the session and tells the client, once (an idle transaction's
    /// client is told before its server is rolled back, so a slow ROLLBACK does not delay the news).
    /// Nothing is sent into the middle of a message the server was relaying: then the close says it.
    /// </summary>
    public async Task SendTimedOutAsync(SessionTimeouts timeouts, bool atMessageBoundary = true)
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

    /// <summary>Tells a session the gateway ended why: the shutdown's reason, or 57P01.</summary>
    public Task SendShutdownAsync() => TrySendErrorAsync(client.ShutdownReason ?? ShuttingDown);

    /// <summary>Logs a client's protocol violation and tells it, when nothing is half-sent to it.</summary>
    public async Task SendViolationAsync(string? violation, bool atMessageBoundary = true)
    {
        gateway.Logger.ClientProtocolViolation(client.ToString(), violation ?? "");
        if (atMessageBoundary)
        {
            await TrySendErrorAsync(PgError.Fatal(SqlState.ProtocolViolation, violation ?? "protocol violation")).ConfigureAwait(false);
        }
    }

    /// <summary>The server died under the client: say so, unless its own FATAL already did or a message is half-sent.</summary>
    public async Task SendServerLostAsync(bool atMessageBoundary, byte lastType)
    {
        if (atMessageBoundary && lastType != Protocol.Messages.BackendMessage.ErrorResponse)
        {
            await TrySendErrorAsync(PgError.Fatal(SqlState.ConnectionFailure,
                "server closed the connection unexpectedly", "the PostgreSQL backend ended; reconnect to get a new one")).ConfigureAwait(false);
        }
    }

    /// <summary>Sends one error and gives up quietly when the client is gone or does not read it within 2 s.</summary>
    public async Task TrySendErrorAsync(PgError error)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await MessageIO.SendAsync(client.Transport, w => ErrorResponseWriter.WriteError(w, error), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The client is gone; the error has nobody to go to.
        }
    }
}
