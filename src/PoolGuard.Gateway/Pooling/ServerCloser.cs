using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Pooling;

/// <summary>
/// Closes a server's socket off the caller's thread, saying Terminate first when it is safe to,
/// so PostgreSQL logs a clean disconnect. Callers may hold the pool lock: nothing here runs inline.
/// Then it waits (up to a second) for PostgreSQL to close its end: the backend is gone from
/// pg_stat_activity only then, and until then the server still counts against the shared caps —
/// otherwise a replacement could be opened while the old backend lingers, and the database would
/// briefly see one connection more than its cap allows.
/// </summary>
internal static class ServerCloser
{
    private static readonly byte[] s_terminate = BuildTerminate();
    private static readonly TimeSpan s_backendExitWait = TimeSpan.FromSeconds(1);

    /// <param name="gone">Called once the connection is closed (at once when it never had a socket).</param>
    public static void CloseGracefully(ServerConnection server, Action<ServerConnection>? gone = null)
    {
        if (server.Transport is not { } transport)
        {
            gone?.Invoke(server);
            return;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static async state =>
        {
            var (server, transport, gone) = state;
            try
            {
                await server.IdleWatch.EndAsync().ConfigureAwait(false);
                using var timeout = new CancellationTokenSource(s_backendExitWait);
                await transport.SendAsync(s_terminate, timeout.Token).ConfigureAwait(false);
                await WaitForEndAsync(transport, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The server may already be gone, or slow to go; closing is all that is left to do.
            }
            transport.Close();
            gone?.Invoke(server);
        }, (server, transport, gone), preferLocal: false);
    }

    /// <summary>Reads (and drops) whatever the server still sends until it closes its end.</summary>
    private static async Task WaitForEndAsync(Transport.PgTransport transport, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await transport.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            transport.Reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    private static byte[] BuildTerminate()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(5);
        MessageWriter.WriteTerminate(buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
