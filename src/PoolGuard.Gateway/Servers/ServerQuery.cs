using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Errors;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Servers;

/// <summary>
/// Runs a query of the gateway's own on a server (reset query, session settings) and reads the
/// answer up to ReadyForQuery, recording ParameterStatus. Not for client traffic.
/// </summary>
internal static class ServerQuery
{
    /// <summary>The server's error, or null on success. Throws IOException if the server goes away.</summary>
    public static async Task<PgError?> RunAsync(ServerConnection server, string sql, CancellationToken cancellationToken)
    {
        var transport = server.Transport!;
        await MessageIO.SendAsync(transport, w => MessageWriter.WriteQuery(w, sql), cancellationToken).ConfigureAwait(false);
        PgError? error = null;
        while (true)
        {
            var message = await MessageIO.ReadAsync(transport.Reader, MessageHeader.MaxLength, cancellationToken).ConfigureAwait(false)
                ?? throw new IOException("the server closed the connection");
            switch (message.Type)
            {
                case BackendMessage.ErrorResponse:
                    error ??= ErrorResponseParser.Parse(message.Sequence);
                    break;
                case BackendMessage.ParameterStatus:
                    server.RecordParameterStatus(message.Sequence);
                    break;
                case BackendMessage.ReadyForQuery:
                    server.TransactionStatus = message.Body[0];
                    return error;
            }
        }
    }

    /// <summary>
    /// SQL string literal with quotes doubled. A value with a backslash becomes an E'' literal with
    /// the backslashes doubled too, so it means the same whatever standard_conforming_strings is
    /// (a client may turn it off at startup).
    /// </summary>
    public static string Literal(string value) => value.Contains('\\', StringComparison.Ordinal)
        ? "E'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'"
        : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
