using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Pooling;

/// <summary>
/// Closes a server's socket off the caller's thread, saying Terminate first when it is safe to,
/// so PostgreSQL logs a clean disconnect. Callers may hold the pool lock: nothing here runs inline.
/// </summary>
internal static class ServerCloser
{
    private static readonly byte[] s_terminate = BuildTerminate();

    public static void CloseGracefully(ServerConnection server)
    {
        if (server.Transport is not { } transport)
        {
            return;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static async state =>
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await state.SendAsync(s_terminate, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The server may already be gone; closing is all that is left to do.
            }
            state.Close();
        }, transport, preferLocal: false);
    }

    private static byte[] BuildTerminate()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(5);
        MessageWriter.WriteTerminate(buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
