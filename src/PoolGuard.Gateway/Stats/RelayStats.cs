using System.Diagnostics;
using PoolGuard.Gateway.Pooling;

namespace PoolGuard.Gateway.Stats;

/// <summary>
/// What the relays note for SHOW STATS, kept on the server connection in plain fields: the client
/// direction adds each read's bytes and stamps the start of a request; the server direction, at
/// each ReadyForQuery, adds the query (and, at 'I', the transaction) to the pool's counters in one go.
/// Allocation-free, and no lock: each field has one writer at a time.
/// </summary>
internal static class RelayStats
{
    /// <summary>Client direction, per message: the first message after an answer starts a request.</summary>
    public static void OnClientRequest(ServerConnection server)
    {
        if (Volatile.Read(ref server.RequestStartedAt) == 0)
        {
            var now = Stopwatch.GetTimestamp();
            server.LastRequestAt = now;
            Volatile.Write(ref server.RequestStartedAt, now);
        }
    }

    /// <summary>Client direction, once per read: the bytes forwarded to <paramref name="server"/>.</summary>
    public static void OnClientBytes(ServerConnection server, long bytes) =>
        Volatile.Write(ref server.ClientBytes, server.ClientBytes + bytes);

    /// <summary>
    /// Server direction, at a ReadyForQuery answering the client: <paramref name="wasIdle"/> is whether
    /// the server was outside a transaction before this query, <paramref name="status"/> the new status,
    /// <paramref name="sent"/> the bytes relayed to the client since the last call.
    /// </summary>
    public static void OnReadyForQuery(ServerConnection server, bool wasIdle, byte status, long sent)
    {
        var now = Stopwatch.GetTimestamp();
        var started = Interlocked.Exchange(ref server.RequestStartedAt, 0);
        if (started == 0)
        {
            started = now; // an answer to nothing the client sent through this relay: no time to count
        }
        if (wasIdle || server.XactStartedAt == 0)
        {
            server.XactStartedAt = started;
        }
        var received = Volatile.Read(ref server.ClientBytes);
        var stats = server.Pool.Stats;
        stats.AddQuery(now - started, received - server.ClientBytesCounted, sent);
        server.ClientBytesCounted = received;
        if (status == Protocol.Messages.TransactionStatus.Idle)
        {
            stats.AddXact(now - server.XactStartedAt);
            server.XactStartedAt = 0;
        }
    }

    /// <summary>A relay over <paramref name="server"/> ended: bytes not yet counted go in now.</summary>
    public static void OnRelayEnd(ServerConnection server, long sent)
    {
        var received = Volatile.Read(ref server.ClientBytes);
        server.Pool.Stats.AddBytes(received - server.ClientBytesCounted, sent);
        server.ClientBytesCounted = received;
    }
}
