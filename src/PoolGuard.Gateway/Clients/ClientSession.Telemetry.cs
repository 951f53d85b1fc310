using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Telemetry;

namespace PoolGuard.Gateway.Clients;

/// <summary>db.client.connection.use_time: from the client getting a server (EndWait) to giving it back.</summary>
internal sealed partial class ClientSession
{
    /// <summary>When the last server was handed to this client, on the gateway's clock; 0 before the first.</summary>
    private long _assignedAt;

    /// <summary>Gives a server the client is done with back to the pool, recording how long it was used.</summary>
    private void ReleaseToPool(ServerConnection server)
    {
        if (_assignedAt != 0)
        {
            GatewayMetrics.Record(gateway.Metrics.UseTime, gateway.Time.GetElapsedTime(_assignedAt), server.Pool);
        }
        gateway.Pools.Release(server);
    }
}
