using System.Net.Sockets;
using PoolGuard.Gateway.Hosting;

namespace PoolGuard.Http;

/// <summary>
/// /readyz: ready while the gateway accepts clients and at least one configured database answers a
/// TCP connect. The connect result is cached for <see cref="CacheFor"/>, so however often probes
/// come, PostgreSQL sees at most one connect per database per period; each connect is bounded by
/// <see cref="ConnectTimeout"/> so a black-holed host cannot stall the probe.
/// </summary>
internal sealed class ReadinessProbe(GatewayServer gateway, TimeProvider time)
{
    /// <summary>Kubernetes probes every 10 s by default; 2 s keeps answers fresh without hammering PostgreSQL.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    /// <summary>Shorter than a probe's default 1 s timeout, so the probe gets an answer rather than a timeout.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromMilliseconds(800);

    private readonly SemaphoreSlim _checking = new(1, 1);
    private (DateTimeOffset At, IReadOnlyList<string> Reachable)? _cached;

    public async Task<ReadinessDocument> CheckAsync(CancellationToken cancellationToken)
    {
        if (!gateway.IsAccepting)
        {
            return new ReadinessDocument(false, "the gateway is not accepting clients (starting, draining or stopped)", []);
        }
        var reachable = await ReachableDatabasesAsync(cancellationToken).ConfigureAwait(false);
        return reachable.Count > 0
            ? new ReadinessDocument(true, "accepting clients; at least one database is reachable", reachable)
            : new ReadinessDocument(false, gateway.Config.Databases.Count == 0
                ? "no databases are configured"
                : "no configured database answered a TCP connect; check that PostgreSQL is up and the database entries' host and port", []);
    }

    private async Task<IReadOnlyList<string>> ReachableDatabasesAsync(CancellationToken cancellationToken)
    {
        await _checking.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_cached is { } cached && time.GetUtcNow() - cached.At < CacheFor)
            {
                return cached.Reachable;
            }
            var entries = gateway.Config.Databases.Values.ToList();
            var results = await Task.WhenAll(entries.Select(e => AnswersAsync(e.Host, e.Port, cancellationToken))).ConfigureAwait(false);
            var reachable = entries.Where((_, i) => results[i]).Select(e => e.Name).Order(StringComparer.Ordinal).ToList();
            _cached = (time.GetUtcNow(), reachable);
            return reachable;
        }
        finally
        {
            _checking.Release();
        }
    }

    private static async Task<bool> AnswersAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
