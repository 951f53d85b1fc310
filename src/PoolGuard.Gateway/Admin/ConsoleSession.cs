using System.Text;
using PoolGuard.Gateway.Clients;
using PoolGuard.Gateway.Hosting;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Errors;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Admin;

/// <summary>
/// A client logged in to the virtual database pgbouncer (or poolguard): no server, no pool; the gateway
/// answers its simple-protocol queries itself. Each query's statements run in turn and their answers
/// go back in one write, ending with ReadyForQuery; the first failing statement ends the query with its
/// error, and the console stays usable. The extended protocol is refused as PgBouncer refuses it:
/// with an error naming the problem, then the connection is closed.
/// </summary>
internal sealed class ConsoleSession(GatewayContext gateway, ClientConnection client, ConsoleAccess access)
{
    /// <summary>Console queries are a few words; a larger message is not a console query.</summary>
    private const int MaxQueryLength = 64 * 1024;

    private readonly ConsoleContext _context = new(gateway, client.User, client);

    public async Task RunAsync()
    {
        await SendWelcomeAsync().ConfigureAwait(false);
        while (true)
        {
            MessageIO.Message? message;
            try
            {
                message = await MessageIO.ReadAsync(client.Transport.Reader, MaxQueryLength, client.ShutdownToken).ConfigureAwait(false);
            }
            catch (ProtocolException ex)
            {
                await CloseWithAsync(PgError.Fatal(SqlState.ProtocolViolation, ex.Message)).ConfigureAwait(false);
                return;
            }
            if (message is not { } received || received.Type == FrontendMessage.Terminate)
            {
                return;
            }
            if (received.Type != FrontendMessage.Query)
            {
                await CloseWithAsync(Unsupported(received.Type)).ConfigureAwait(false);
                return;
            }
            var output = await AnswerAsync(QueryText(received.Body)).ConfigureAwait(false);
            await client.Transport.SendAsync(output.Written, client.ShutdownToken).ConfigureAwait(false);
            output.AfterSend?.Invoke();
        }
    }

    /// <summary>Runs every statement of one Query; the answer ends with ReadyForQuery whatever happens.</summary>
    private async Task<ConsoleOutput> AnswerAsync(string query)
    {
        var output = new ConsoleOutput();
        var statements = ConsoleStatements.Split(query);
        if (statements.Count == 0)
        {
            output.Error(PgError.Error(SqlState.SyntaxError, "empty query: the admin console runs commands such as SHOW POOLS",
                "SHOW HELP lists the commands"));
        }
        foreach (var statement in statements)
        {
            try
            {
                await RunAsync(statement, output).ConfigureAwait(false);
            }
            catch (ConsoleCommandException ex)
            {
                output.Error(ex.Error);
                break;
            }
        }
        output.ReadyForQuery();
        return output;
    }

    private async Task RunAsync(ConsoleStatement statement, ConsoleOutput output)
    {
        var command = ConsoleCommands.Find(statement.Verb);
        if (access != ConsoleAccess.Admin && command is not { AdminOnly: false })
        {
            // stats_users may run read-only commands only: for them anything else, known or not,
            // is a question of rights, not of spelling.
            throw new ConsoleCommandException(PgError.Error(SqlState.InsufficientPrivilege,
                $"admin access needed: user \"{client.User}\" is in stats_users, which allows SHOW commands only",
                $"add the user to admin_users to run {statement.Verb.ToUpperInvariant()}"));
        }
        if (command is null)
        {
            throw new ConsoleCommandException(PgError.Error(SqlState.SyntaxError,
                $"unknown command '{statement.Text}': the admin console supports {ConsoleCommands.Usage.Replace('\n', ';')}",
                "SHOW HELP lists the commands"));
        }
        await command.Run(_context, statement.Argument, output).ConfigureAwait(false);
    }

    private static string QueryText(byte[] body)
    {
        var end = Array.IndexOf(body, (byte)0);
        return Encoding.UTF8.GetString(body, 0, end < 0 ? body.Length : end);
    }

    private static PgError Unsupported(byte type) => type is FrontendMessage.Parse or FrontendMessage.Bind
        or FrontendMessage.Describe or FrontendMessage.Execute or FrontendMessage.Sync or FrontendMessage.Close or FrontendMessage.Flush
        ? PgError.Fatal(SqlState.FeatureNotSupported, "extended query protocol not supported by admin console",
            "use the simple query protocol (psql does; drivers such as Npgsql cannot run console commands)")
        : PgError.Fatal(SqlState.ProtocolViolation, $"unsupported message type '{(char)type}' for admin console",
            "the admin console accepts Query and Terminate messages only");

    private async Task CloseWithAsync(PgError error)
    {
        gateway.Logger.ClientProtocolViolation(client.ToString(), error.Message);
        await MessageIO.SendAsync(client.Transport, w => ErrorResponseWriter.WriteError(w, error), client.ShutdownToken).ConfigureAwait(false);
    }

    /// <summary>What PgBouncer tells console clients about the "server", so libpq and psql are content.</summary>
    private async Task SendWelcomeAsync()
    {
        await MessageIO.SendAsync(client.Transport, w =>
        {
            MessageWriter.WriteAuthenticationRequest(w, AuthenticationCode.Ok);
            MessageWriter.WriteParameterStatus(w, "server_version", $"{ShowSettings.PgBouncerLayoutVersion}/poolguard");
            MessageWriter.WriteParameterStatus(w, "client_encoding", "UTF8");
            MessageWriter.WriteParameterStatus(w, "server_encoding", "UTF8");
            MessageWriter.WriteParameterStatus(w, "DateStyle", "ISO");
            MessageWriter.WriteParameterStatus(w, "TimeZone", "GMT");
            MessageWriter.WriteParameterStatus(w, "standard_conforming_strings", "on");
            MessageWriter.WriteParameterStatus(w, "is_superuser", access == ConsoleAccess.Admin ? "on" : "off");
            MessageWriter.WriteBackendKeyData(w, client.ProcessId, client.SecretKey);
            MessageWriter.WriteReadyForQuery(w, TransactionStatus.Idle);
        }, client.ShutdownToken).ConfigureAwait(false);
    }
}
