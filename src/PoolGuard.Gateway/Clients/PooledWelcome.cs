using PoolGuard.Gateway.Hosting;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Clients;

/// <summary>
/// The end of a pooled client's login: the settings it will see on every server, as the server
/// spells them, and the welcome a server would give, sent without holding one. Values the pool
/// has not met before are tried once on a real server, so a bad one fails the login as it would
/// on PostgreSQL, and the server's spelling is learnt for the welcome.
/// </summary>
internal sealed class PooledWelcome(GatewayContext gateway, ClientConnection client, ServerLease lease)
{
    /// <summary>
    /// The client's settings over the pool's defaults; when the pool does not know them yet a
    /// server is borrowed to learn them and handed back at once — reset first in session pooling
    /// (it carries the client's settings), released as it is in transaction pooling (the settings
    /// are re-synced per transaction). Holding it through the login would let a driver deadlock the
    /// pool (Npgsql's first connections wait for the one loading the database's types, which needs a server).
    /// </summary>
    public async Task<ParameterSet> SettleAsync(Pool pool, IReadOnlyList<KeyValuePair<string, string>> parameters, bool resetLearner)
    {
        if (Known(pool, parameters) is { } known)
        {
            return known;
        }
        var server = await lease.AcquireForSessionAsync(pool, parameters).ConfigureAwait(false);
        LearnSpellings(pool, parameters, server);
        if (resetLearner)
        {
            await lease.GiveBackAsync(server).ConfigureAwait(false);
        }
        else
        {
            server.SyncedTo = server.UnreportedFrom = null;
            lease.Forget();
            gateway.Pools.Release(server);
        }
        return Known(pool, parameters)!;
    }

    /// <summary>The welcome a server would give, with the client's own settings, without holding a server.</summary>
    public async Task SendAsync(Pool pool, ParameterSet desired)
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
    private static ParameterSet? Known(Pool pool, IReadOnlyList<KeyValuePair<string, string>> parameters)
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
}
