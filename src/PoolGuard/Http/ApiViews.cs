using PoolGuard.Config.PgBouncer;
using PoolGuard.Gateway.Events;
using PoolGuard.Gateway.Hosting;

namespace PoolGuard.Http;

/// <summary>The gateway's snapshots as API documents: the same numbers SHOW POOLS / CLIENTS / SERVERS / STATS print.</summary>
internal static class ApiViews
{
    public static IReadOnlyList<PoolDocument> Pools(GatewayServer gateway)
    {
        return
        [
            .. gateway.View.Pools()
                .OrderBy(p => p.Key.Database, StringComparer.Ordinal).ThenBy(p => p.Key.User, StringComparer.Ordinal)
                .Select(p => new PoolDocument(
                    p.Key.Database, p.Key.User,
                    PgBouncerConfigListing.PoolModeText(p.Mode),
                    p.ClientsActive, p.ClientsWaiting, p.ServersActive, p.ServersIdle, p.ServersUsed, p.ServersLogin,
                    p.PoolSize, p.MaxWait.TotalMilliseconds)),
        ];
    }

    public static IReadOnlyList<ClientDocument> Clients(GatewayServer gateway) =>
    [
        .. gateway.View.Clients().Select(c => new ClientDocument(
            c.Id, c.User, c.Database, c.State, c.Address, c.Port, c.LocalAddress, c.LocalPort,
            c.ConnectTime, c.RequestTime, c.Wait.TotalMilliseconds, c.ApplicationName, c.LinkedServerId)),
    ];

    public static IReadOnlyList<ServerDocument> Servers(GatewayServer gateway) =>
    [
        .. gateway.View.Servers().Select(s => new ServerDocument(
            s.Id, s.User, s.Database, s.State, s.Address, s.Port, s.LocalAddress, s.LocalPort,
            s.ConnectTime, s.RequestTime, s.LinkedClientId, s.BackendProcessId, s.PreparedStatements)),
    ];

    public static IReadOnlyList<StatsDocument> Stats(GatewayServer gateway) =>
    [
        .. gateway.View.Stats().Select(d => new StatsDocument(
            d.Database, d.Totals.ServerAssignmentCount, d.Totals.XactCount, d.Totals.QueryCount,
            d.Totals.BytesReceived, d.Totals.BytesSent,
            d.Totals.XactTimeMicroseconds / 1000.0, d.Totals.QueryTimeMicroseconds / 1000.0, d.Totals.WaitTimeMicroseconds / 1000.0,
            d.Totals.ClientConnectCount)),
    ];

    /// <summary>Events after <paramref name="since"/>, oldest first (newest last), from the in-memory ring.</summary>
    public static EventPage Events(GatewayServer gateway, long since)
    {
        var events = new List<EventDocument>();
        var last = since;
        foreach (var e in gateway.View.EventsSince(since))
        {
            last = Math.Max(last, e.Sequence);
            events.Add(new EventDocument(e.Sequence, e.Time, EventKindNames.Of(e.Kind), e.Pool, e.Detail, e.Numbers));
        }
        return new EventPage(last, events);
    }
}
