using System.Runtime.CompilerServices;
using PoolGuard.Gateway.Async;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Clients;

/// <summary>
/// What a pooled session needs around its relay: the settings it will see, the welcome it gets
/// without holding a server, and (transaction pooling) a server for each transaction.
/// </summary>
internal sealed partial class ClientSession
{
    /// <summary>A TLS server idle longer than this is polled for a silent death before it is handed out.</summary>
    private static readonly TimeSpan IdleCheckAfter = TimeSpan.FromSeconds(30);

    /// <summary>A server for the client's next transaction, from the pool's queue like any other.</summary>
    [AsyncMethodBuilder(typeof(ReusedValueTaskMethodBuilder<>))]
    private async ValueTask<ServerConnection> AcquireForTransactionAsync(Pool pool)
    {
        ThrowIfDraining();
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

    /// <summary>
    /// The settings the client will see on every server, as the server spells them. Values the
    /// pool has not met before are tried once on a real server, so a bad one fails the login as it
    /// would on PostgreSQL, and the server's spelling is learnt for the welcome.
    /// </summary>
    private async Task<ParameterSet> SettleParametersAsync(Pool pool, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        if (KnownParameters(pool, parameters) is { } known)
        {
            return known;
        }
        var server = await AcquireServerAsync(pool, parameters).ConfigureAwait(false);
        LearnSpellings(pool, parameters, server);
        server.SyncedTo = server.UnreportedFrom = null;
        _held = null;
        client.Server = null;
        gateway.Pools.Release(server);
        return KnownParameters(pool, parameters)!;
    }

    /// <summary>How the server spelled the values the client asked for (TimeZone "utc" is "UTC").</summary>
    private static void LearnSpellings(Pool pool, IReadOnlyList<KeyValuePair<string, string>> parameters, ServerConnection server)
    {
        foreach (var (name, value) in parameters)
        {
            pool.Parameters.LearnNormalised(name, value, server.Parameters.TryGetValue(name, out var spelled) ? spelled : value);
        }
    }

    /// <summary>
    /// The client's settings over the pool's defaults, when the pool knows its defaults and has seen
    /// every value the client asks for; null when a server must be asked first.
    /// </summary>
    private static ParameterSet? KnownParameters(Pool pool, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var known = pool.Parameters;
        if (known.DefaultSet is not { } defaults || parameters.Any(p => !known.TryNormalise(p.Key, p.Value, out _)))
        {
            return null;
        }
        var reported = new Dictionary<string, string>(defaults.Reported, StringComparer.OrdinalIgnoreCase);
        var unreported = new Dictionary<string, string?>(defaults.Unreported, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in parameters)
        {
            var canonical = StartupParameters.Applied.TryGetValue(name, out var actual) ? actual : name;
            if (reported.ContainsKey(canonical))
            {
                reported[canonical] = known.TryNormalise(name, value, out var spelled) ? spelled : value;
            }
            else
            {
                unreported[canonical] = value;
            }
        }
        return known.Intern(new ParameterSet(reported, unreported));
    }

    /// <summary>The welcome a server would give, with the client's own settings, without holding a server.</summary>
    private async Task SendPooledWelcomeAsync(Pool pool, ParameterSet desired)
    {
        var defaults = pool.Parameters.Defaults!;
        await MessageIO.SendAsync(client.Transport, w =>
        {
            MessageWriter.WriteAuthenticationRequest(w, AuthenticationCode.Ok);
            foreach (var (name, value) in defaults)
            {
                MessageWriter.WriteParameterStatus(w, name, desired.Reported.TryGetValue(name, out var own) ? own : value);
            }
            MessageWriter.WriteBackendKeyData(w, client.ProcessId, client.SecretKey);
            MessageWriter.WriteReadyForQuery(w, TransactionStatus.Idle);
        }).ConfigureAwait(false);
        // Logged in: an active client from here on, server or not, as PgBouncer counts cl_active.
        gateway.Pools.SetClientState(pool, client.Slot, ClientState.Active);
    }
}
