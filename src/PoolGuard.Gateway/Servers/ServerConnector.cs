using System.Net;
using System.Net.Sockets;
using System.Text;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Tls;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Auth;
using PoolGuard.Protocol.Errors;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Servers;

/// <summary>
/// Opens a server connection and logs in: TCP connect, StartupMessage, authentication
/// (SCRAM-SHA-256, md5 or cleartext, as the server asks), then the server's parameters and
/// cancel key, until the first ReadyForQuery; TLS first when server_tls_sslmode asks for it.
/// All within server_connect_timeout.
/// </summary>
internal sealed class ServerConnector(Func<TimeSpan> currentConnectTimeout, TlsCertificates tls, Admin.ConnectionRegistry? registry = null, Telemetry.GatewayMetrics? metrics = null)
{
    public async Task ConnectAsync(ServerConnection server, CancellationToken cancellationToken)
    {
        // Every server is opened here (for a client or for min_pool_size), so SHOW SERVERS sees them all.
        registry?.Add(server);
        var database = server.Pool.Database;
        var credentials = ServerCredentials.For(server.Pool);
        var connectTimeout = currentConnectTimeout(); // reloadable: read once per connect
        server.Host = database.Host;
        server.Port = database.Port;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (connectTimeout > TimeSpan.Zero)
        {
            timeout.CancelAfter(connectTimeout);
        }
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var socket = await OpenSocketAsync(database.Host, database.Port, timeout.Token).ConfigureAwait(false);
            server.Transport = new PgTransport(socket, isServer: true);
            await ServerTlsNegotiation.NegotiateAsync(server.Transport, database.Host, tls.Current, timeout.Token).ConfigureAwait(false);
            await LogInAsync(server, credentials, database.ServerDatabase, timeout.Token).ConfigureAwait(false);
            if (metrics is not null)
            {
                Telemetry.GatewayMetrics.Record(metrics.CreateTime, System.Diagnostics.Stopwatch.GetElapsedTime(started), server.Pool);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            server.Transport?.Close();
            throw new ServerLoginException(PgError.Fatal(SqlState.ConnectionFailure,
                $"could not connect to server {database.Host}:{database.Port} for database \"{database.Name}\": server_connect_timeout ({connectTimeout.TotalSeconds:0.###} s) expired",
                "check that PostgreSQL is up and reachable, or raise server_connect_timeout"), fromServer: false);
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            server.Transport?.Close();
            throw new ServerLoginException(PgError.Fatal(SqlState.ConnectionFailure,
                $"could not connect to server {database.Host}:{database.Port} for database \"{database.Name}\": {ex.Message}",
                "check that PostgreSQL is up and that host and port in the database entry are right"), fromServer: false);
        }
        catch (ServerTlsException ex)
        {
            server.Transport?.Close();
            throw new ServerLoginException(PgError.Fatal(SqlState.ConnectionFailure,
                $"could not connect to server {database.Host}:{database.Port} for database \"{database.Name}\": {ex.Message}", ex.Hint), fromServer: false);
        }
        catch (ProtocolException ex)
        {
            // Not PostgreSQL at that address (a web server, another service): a connection failure
            // naming the server, so the user knows which database entry to fix.
            server.Transport?.Close();
            throw new ServerLoginException(PgError.Fatal(SqlState.ConnectionFailure,
                $"server {database.Host}:{database.Port} for database \"{database.Name}\" did not answer as PostgreSQL: {ex.Message}",
                "check that host and port in the database entry point at PostgreSQL"), fromServer: false);
        }
        catch
        {
            server.Transport?.Close();
            throw;
        }
    }

    private static async Task<Socket> OpenSocketAsync(string host, int port, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host, out var ip)
            ? [ip]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    private static async Task LogInAsync(ServerConnection server, ServerCredentials credentials, string databaseName, CancellationToken cancellationToken)
    {
        var transport = server.Transport!;
        await MessageIO.SendAsync(transport, w => MessageWriter.WriteStartup(w,
        [
            new("user", credentials.User),
            new("database", databaseName),
        ]), cancellationToken).ConfigureAwait(false);

        ScramClientExchange? scram = null;
        while (true)
        {
            var message = await MessageIO.ReadAsync(transport.Reader, MessageIO.MaxLoginMessageLength, cancellationToken).ConfigureAwait(false)
                ?? throw new IOException("the server closed the connection during login");
            switch (message.Type)
            {
                case BackendMessage.Authentication:
                    scram = await AnswerAuthenticationAsync(transport, credentials, message.Body, scram, cancellationToken).ConfigureAwait(false);
                    break;
                case BackendMessage.ParameterStatus:
                    server.RecordParameterStatus(message.Sequence);
                    break;
                case BackendMessage.BackendKeyData:
                    server.BackendProcessId = MessageReader.ReadInt32(message.Body);
                    server.BackendSecretKey = MessageReader.ReadInt32(message.Body.AsSpan(4));
                    break;
                case BackendMessage.ErrorResponse:
                    throw new ServerLoginException(ErrorResponseParser.Parse(message.Sequence), fromServer: true);
                case BackendMessage.ReadyForQuery:
                    server.TransactionStatus = message.Body.Length > 0 ? message.Body[0] : TransactionStatus.Idle;
                    return;
                case BackendMessage.NoticeResponse:
                case BackendMessage.NegotiateProtocolVersion:
                    break;
                default:
                    throw new ProtocolException($"unexpected message '{(char)message.Type}' from the server during login");
            }
        }
    }

    private static async Task<ScramClientExchange?> AnswerAuthenticationAsync(
        PgTransport transport, ServerCredentials credentials, byte[] body, ScramClientExchange? scram, CancellationToken cancellationToken)
    {
        var code = MessageReader.ReadInt32(body);
        switch (code)
        {
            case AuthenticationCode.Ok:
                return scram;
            case AuthenticationCode.CleartextPassword:
                var password = RequirePlaintext(credentials, "cleartext password");
                await MessageIO.SendAsync(transport, w => MessageWriter.WritePassword(w, Encoding.UTF8.GetBytes(password)), cancellationToken).ConfigureAwait(false);
                return scram;
            case AuthenticationCode.Md5Password:
                var secret = credentials.Secret ?? throw NoPassword(credentials, "md5");
                if (StoredSecret.Classify(secret) == SecretKind.Scram)
                {
                    throw Misconfigured(credentials, "md5", "the auth file holds a SCRAM verifier for this user, which cannot answer an md5 challenge; give the plaintext password");
                }
                var response = Md5Password.Response(secret, credentials.User, body.AsSpan(4, 4));
                await MessageIO.SendAsync(transport, w => MessageWriter.WritePassword(w, response), cancellationToken).ConfigureAwait(false);
                return scram;
            case AuthenticationCode.Sasl:
                var mechanisms = Encoding.UTF8.GetString(body, 4, body.Length - 4).Split('\0', StringSplitOptions.RemoveEmptyEntries);
                if (!mechanisms.Contains("SCRAM-SHA-256"))
                {
                    throw Misconfigured(credentials, "SASL", $"the server offers only {string.Join(", ", mechanisms)}");
                }
                scram = CreateScram(credentials);
                var first = Encoding.UTF8.GetBytes(scram.CreateClientFirst());
                await MessageIO.SendAsync(transport, w => MessageWriter.WriteSaslInitialResponse(w, "SCRAM-SHA-256", first), cancellationToken).ConfigureAwait(false);
                return scram;
            case AuthenticationCode.SaslContinue when scram is not null:
                // From a password this runs PBKDF2 (4096 rounds): off the socket threads, which
                // may be running I/O continuations inline.
                var serverFirst = Encoding.UTF8.GetString(body, 4, body.Length - 4);
                var final = Encoding.UTF8.GetBytes(await Task.Run(() => HandleScram(credentials, () => scram.HandleServerFirst(serverFirst)), cancellationToken).ConfigureAwait(false));
                await MessageIO.SendAsync(transport, w => MessageWriter.WriteSaslResponse(w, final), cancellationToken).ConfigureAwait(false);
                return scram;
            case AuthenticationCode.SaslFinal when scram is not null:
                HandleScram(credentials, () => { scram.VerifyServerFinal(Encoding.UTF8.GetString(body, 4, body.Length - 4)); return ""; });
                return scram;
            default:
                throw Misconfigured(credentials, $"authentication method {code}", "PoolGuard supports SCRAM-SHA-256, md5 and password towards servers");
        }
    }

    private static ScramClientExchange CreateScram(ServerCredentials credentials)
    {
        var secret = credentials.Secret ?? throw NoPassword(credentials, "SCRAM-SHA-256");
        switch (StoredSecret.Classify(secret))
        {
            case SecretKind.Plaintext:
                return new ScramClientExchange(secret);
            case SecretKind.Scram when credentials.ScramClientKey is { } clientKey && ScramSecret.TryParse(secret, out var verifier):
                return new ScramClientExchange(clientKey, verifier);
            case SecretKind.Scram:
                throw Misconfigured(credentials, "SCRAM-SHA-256",
                    "the auth file holds only a SCRAM verifier and no client has logged in with SCRAM yet to pass its key through; give the plaintext password or set auth_type to scram-sha-256");
            default:
                throw Misconfigured(credentials, "SCRAM-SHA-256", "the auth file holds an md5 hash, which cannot answer a SCRAM challenge; give the plaintext password");
        }
    }

    private static string HandleScram(ServerCredentials credentials, Func<string> step)
    {
        try
        {
            return step();
        }
        catch (ScramException ex)
        {
            throw Misconfigured(credentials, "SCRAM-SHA-256", ex.Message);
        }
    }

    private static string RequirePlaintext(ServerCredentials credentials, string method)
    {
        var secret = credentials.Secret ?? throw NoPassword(credentials, method);
        return StoredSecret.Classify(secret) == SecretKind.Plaintext
            ? secret
            : throw Misconfigured(credentials, method, "the server asks for the password in clear text but the auth file holds only a hash");
    }

    private static ServerLoginException NoPassword(ServerCredentials credentials, string method) =>
        Misconfigured(credentials, method, "no password is configured for this user");

    private static ServerLoginException Misconfigured(ServerCredentials credentials, string method, string reason) =>
        new(PgError.Fatal(SqlState.InvalidAuthorizationSpecification,
            $"PoolGuard could not log in to the server as \"{credentials.User}\" ({method}): {reason}"), fromServer: false);
}
