using System.Collections.Concurrent;
using PoolGuard.Gateway.Clients;
using PoolGuard.Gateway.Pooling;

namespace PoolGuard.Gateway.Admin;

/// <summary>
/// Every live client session and server connection, for SHOW CLIENTS / SHOW SERVERS and the admin API.
/// Kept apart from the pool set's lock: a session adds itself when it starts and removes itself when it
/// ends; a server is added when its connect starts and dropped once it is Closed (noticed when the list
/// is read and at each stats tick, since servers are closed in several places). Nothing here runs per message.
/// </summary>
internal sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<ClientConnection, byte> _clients = new();
    private readonly ConcurrentDictionary<ServerConnection, byte> _servers = new();

    public void Add(ClientConnection client) => _clients.TryAdd(client, 0);

    public void Remove(ClientConnection client) => _clients.TryRemove(client, out _);

    public void Add(ServerConnection server) => _servers.TryAdd(server, 0);

    /// <summary>A moment's copy of the clients; each may change state while it is read.</summary>
    public ICollection<ClientConnection> Clients => _clients.Keys;

    /// <summary>A moment's copy of the servers still open; closed ones are dropped on the way.</summary>
    public List<ServerConnection> Servers()
    {
        var open = new List<ServerConnection>(_servers.Count);
        foreach (var server in _servers.Keys)
        {
            if (server.State == ServerState.Closed)
            {
                _servers.TryRemove(server, out _);
            }
            else
            {
                open.Add(server);
            }
        }
        return open;
    }

    /// <summary>Drops closed servers, so a gateway nobody inspects does not keep them.</summary>
    public void PruneClosedServers() => Servers();
}
