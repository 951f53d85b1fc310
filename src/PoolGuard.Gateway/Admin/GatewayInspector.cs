using System.Diagnostics;
using System.Net;
using PoolGuard.Gateway.Clients;
using PoolGuard.Gateway.Hosting;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Stats;

namespace PoolGuard.Gateway.Admin;

/// <summary>
/// The gateway's <see cref="View.IGatewayView"/>: read-only views of its live state, shared by the
/// admin console, the HTTP API and the metrics: the same numbers whichever way they are asked for. Counts come
/// from the pool set's snapshot; connection lists from the registry, read without any lock, so a
/// connection changing state while it is listed shows its old or its new state.
/// </summary>
internal sealed class GatewayInspector(GatewayContext gateway) : View.IGatewayView
{
    public IReadOnlyList<PoolSnapshot> Pools() => gateway.Pools.Snapshot();

    public IReadOnlyList<Events.GatewayEvent> EventsSince(long sequence) => gateway.Events.Since(sequence);

    public View.GatewayState State()
    {
        var config = gateway.Config;
        return new View.GatewayState(
            gateway.Server?.IsAccepting ?? false,
            gateway.Pools.AllPaused,
            [.. config.Databases.Keys.Where(gateway.Pools.IsPaused).Order(StringComparer.Ordinal)],
            [.. gateway.DisabledDatabases.Keys.Order(StringComparer.Ordinal)],
            gateway.Server?.ClientConnections ?? 0,
            gateway.Pools.OpenServers);
    }

    public IReadOnlyList<ClientConnectionInfo> Clients()
    {
        var result = new List<ClientConnectionInfo>();
        foreach (var client in gateway.Registry.Clients)
        {
            if (Describe(client) is { } info)
            {
                result.Add(info);
            }
        }
        result.Sort((a, b) => a.Id.CompareTo(b.Id));
        return result;
    }

    public IReadOnlyList<ServerConnectionInfo> Servers()
    {
        // Which client holds which server: the client side knows, servers do not point back.
        var linked = new Dictionary<ServerConnection, ClientConnection>();
        foreach (var client in gateway.Registry.Clients)
        {
            if (client.Server is { } server)
            {
                linked[server] = client;
            }
        }
        var result = new List<ServerConnectionInfo>();
        foreach (var server in gateway.Registry.Servers())
        {
            var state = server.State;
            if (state == ServerState.Closed)
            {
                continue;
            }
            linked.TryGetValue(server, out var client);
            var (localAddress, localPort) = Local(server.Transport?.Socket);
            result.Add(new ServerConnectionInfo(
                server.Id,
                server.Pool.ServerUser,
                server.Pool.Key.Database,
                state switch
                {
                    ServerState.Login => "new",
                    ServerState.Used => "used",
                    ServerState.Active when client is not null => "active",
                    _ => "idle",
                },
                server.Host,
                server.Port,
                localAddress,
                localPort,
                Wall(server.CreatedAt),
                server.LastRequestAt != 0 ? WallFromStopwatch(server.LastRequestAt) : Wall(server.CreatedAt),
                client?.ProcessId,
                server.BackendProcessId,
                server.Statements?.Count ?? 0,
                server.CloseNeeded));
        }
        result.Sort((a, b) => a.Id.CompareTo(b.Id));
        return result;
    }

    /// <summary>Per database (its pools added up), in name order, as PgBouncer lists them.</summary>
    public IReadOnlyList<DatabaseStats> Stats()
    {
        // Averages come from the database's summed totals, as PgBouncer computes them, not from pool averages.
        var byDatabase = new SortedDictionary<string, (StatsCounters Totals, StatsPeriod Period)>(StringComparer.Ordinal);
        foreach (var pool in gateway.Pools.ListPools())
        {
            var totals = pool.Stats.Totals;
            var period = pool.Stats.LastPeriod;
            byDatabase[pool.Key.Database] = byDatabase.TryGetValue(pool.Key.Database, out var sum)
                ? (sum.Totals + totals, sum.Period + period)
                : (totals, period);
        }
        return [.. byDatabase.Select(d => new DatabaseStats(d.Key, d.Value.Totals, d.Value.Period.Averages))];
    }

    private ClientConnectionInfo? Describe(ClientConnection client)
    {
        var slot = client.Slot.State;
        if (!client.IsConsole && (client.Pool is null || slot is ClientState.Login or ClientState.Closed))
        {
            return null; // still logging in (PgBouncer lists those only in SHOW SOCKETS) or gone
        }
        var server = client.Server;
        var waitingSince = client.WaitStartedAt;
        var requested = Wall(client.LastRequestAt != 0 ? client.LastRequestAt : client.ConnectedAt);
        if (server is { LastRequestAt: not 0 } && WallFromStopwatch(server.LastRequestAt) is var sent && sent > requested)
        {
            requested = sent;
        }
        return new ClientConnectionInfo(
            client.ProcessId,
            client.User,
            client.Database,
            slot == ClientState.Waiting ? "waiting" : server is not null ? "active" : "idle",
            client.Remote?.Address.ToString(),
            client.Remote?.Port ?? 0,
            client.Local?.Address.ToString(),
            client.Local?.Port ?? 0,
            Wall(client.ConnectedAt),
            requested,
            waitingSince != 0 ? gateway.Time.GetElapsedTime(waitingSince) : TimeSpan.Zero,
            client.ApplicationName,
            server?.Id);
    }

    private static (string? Address, int Port) Local(System.Net.Sockets.Socket? socket)
    {
        try
        {
            return socket?.LocalEndPoint is IPEndPoint local ? (local.Address.ToString(), local.Port) : (null, 0);
        }
        catch (ObjectDisposedException)
        {
            return (null, 0);
        }
    }

    /// <summary>A gateway-clock timestamp as wall-clock time.</summary>
    private DateTimeOffset Wall(long timestamp) => gateway.Time.GetUtcNow() - gateway.Time.GetElapsedTime(timestamp);

    /// <summary>A Stopwatch timestamp (the relays' clock) as wall-clock time.</summary>
    private DateTimeOffset WallFromStopwatch(long timestamp) => gateway.Time.GetUtcNow() - Stopwatch.GetElapsedTime(timestamp);
}
