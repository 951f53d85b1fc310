using PoolGuard.Gateway.Clients;
using PoolGuard.Gateway.Servers;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Errors;

namespace PoolGuard.Gateway.Hosting;

/// <summary>Refusing clients over max_client_conn, and the once-a-second pool upkeep.</summary>
public sealed partial class GatewayServer
{
    /// <summary>
    /// Reads the startup packet (so the client's driver is listening for a reply) and answers with
    /// 53300 naming max_client_conn: a clear refusal instead of a reset or a hang.
    /// </summary>
    private async Task RefuseAsync(ClientConnection client)
    {
        var max = _gateway.Config.MaxClientConn;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var startup = await StartupReader.ReadAsync(client.Transport, _gateway.Tls, timeout.Token).ConfigureAwait(false);
            if (startup?.Kind == Protocol.Startup.StartupKind.Cancel)
            {
                // A cancel is how a client gets out of trouble; a full house must not block it.
                await _gateway.Cancels.CancelAsync(startup.CancelProcessId, startup.CancelSecretKey, timeout.Token).ConfigureAwait(false);
            }
            else if (startup is not null)
            {
                if (_gateway.Pools.Refusals.Refused(null, "max_client_conn", $"max_client_conn ({max}) reached",
                    new Dictionary<string, long> { ["max_client_conn"] = max }))
                {
                    // Once per episode: a surge refuses hundreds a second, and the refusals_ended event counts them.
                    _gateway.Logger.ClientConnLimit(client.Remote?.ToString() ?? "?", max);
                }
                var error = PgError.Fatal(SqlState.TooManyConnections,
                    $"no more connections allowed: max_client_conn ({max}) reached",
                    "raise max_client_conn, or lower the number of connections the application opens");
                await MessageIO.SendAsync(client.Transport, w => ErrorResponseWriter.WriteError(w, error), timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            // Refusing is best effort; the socket closes either way.
        }
        finally
        {
            client.Transport.Close();
        }
    }

    private async Task MaintenanceLoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _gateway.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                _gateway.Pools.Refusals.EndQuiet();
                var reserved = _gateway.Pools.Maintain(pool => ServerCredentials.For(pool).CanLogInUnattended);
                foreach (var server in reserved)
                {
                    _ = OpenForMinPoolAsync(server);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task OpenForMinPoolAsync(Pooling.ServerConnection server)
    {
        try
        {
            await _gateway.Connector.ConnectAsync(server, _stopping.Token).ConfigureAwait(false);
            _gateway.Pools.Release(server);
        }
        catch (Exception ex)
        {
            _gateway.Pools.Close(server);
            _gateway.Logger.MinPoolConnectFailed(server.Pool.Name, ex.Message);
        }
    }
}
