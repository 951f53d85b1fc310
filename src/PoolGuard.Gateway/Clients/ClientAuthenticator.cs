using System.Security.Cryptography;
using System.Text;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Auth;
using PoolGuard.Protocol.Errors;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Clients;

/// <summary>
/// Checks a client's password the way PostgreSQL would. An unknown user goes through the same
/// exchange as a known one and gets the same error, so replies never reveal who exists.
/// </summary>
internal sealed class ClientAuthenticator(byte[] processSecret)
{
    private const string Scram = "SCRAM-SHA-256";

    // A plaintext password would otherwise cost 4096 PBKDF2 rounds on every login; a verifier
    // derived once per user (keyed by the password it came from, so a reload invalidates it) makes
    // logins as cheap as with a stored SCRAM secret.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Password, ScramSecret Verifier)> _derived = new();

    /// <summary>Result of a successful login: the user's entry and, after SCRAM, the recovered ClientKey.</summary>
    public readonly record struct Outcome(UserEntry? User, byte[]? ScramClientKey);

    public async Task<Outcome> AuthenticateAsync(PgTransport transport, AuthType authType, string userName,
        IReadOnlyDictionary<string, UserEntry> users, CancellationToken cancellationToken)
    {
        users.TryGetValue(userName, out var user);
        var secret = user?.Secret;
        switch (authType)
        {
            case AuthType.Trust:
                return new Outcome(user, null);
            case AuthType.Plain:
                await SendAsync(transport, w => MessageWriter.WriteAuthenticationRequest(w, AuthenticationCode.CleartextPassword), cancellationToken);
                var password = Encoding.UTF8.GetString(TrimNul(await ReadPasswordAsync(transport, cancellationToken)));
                return secret is not null && StoredSecret.VerifyCleartext(secret, userName, password)
                    ? new Outcome(user, null)
                    : throw Failed(userName);
            case AuthType.Md5:
                return await Md5Async(transport, user, userName, cancellationToken);
            default:
                // No md5 fallback for a user whose secret is an md5 hash: choosing the method by the
                // stored secret would tell an observer which names exist. Such a user gets the same
                // SCRAM exchange as an unknown one, and fails it (validation rejects that config).
                return await ScramAsync(transport, user, userName, cancellationToken);
        }
    }

    private async Task<Outcome> Md5Async(PgTransport transport, UserEntry? user, string userName, CancellationToken cancellationToken)
    {
        var salt = RandomNumberGenerator.GetBytes(4);
        await SendAsync(transport, w => MessageWriter.WriteAuthenticationRequest(w, AuthenticationCode.Md5Password, salt), cancellationToken);
        var response = TrimNul(await ReadPasswordAsync(transport, cancellationToken));
        var secret = user?.Secret;
        var ok = secret is not null && StoredSecret.Classify(secret) != SecretKind.Scram
            && Md5Password.Verify(secret, userName, salt, response);
        return ok ? new Outcome(user, null) : throw Failed(userName);
    }

    private async Task<Outcome> ScramAsync(PgTransport transport, UserEntry? user, string userName, CancellationToken cancellationToken)
    {
        var exchange = await CreateExchangeAsync(user, userName, cancellationToken).ConfigureAwait(false);
        await SendAsync(transport, w => MessageWriter.WriteSaslMechanisms(w, Scram), cancellationToken);

        var initial = new MessageReader(new(await ReadPasswordAsync(transport, cancellationToken)));
        if (!initial.TryReadCString(out var mechanism) || !initial.TryReadInt32(out var length))
        {
            throw new ClientLoginException(PgError.Fatal(SqlState.ProtocolViolation, "malformed SASLInitialResponse message"));
        }
        if (mechanism != Scram)
        {
            throw new ClientLoginException(PgError.Fatal(SqlState.ProtocolViolation,
                $"client selected an invalid SASL authentication mechanism \"{mechanism}\"; PoolGuard offers {Scram}"));
        }
        if (length < 0 || !initial.TryReadBytes(length, out var clientFirst))
        {
            throw new ClientLoginException(PgError.Fatal(SqlState.ProtocolViolation, "malformed SASLInitialResponse message"));
        }

        string serverFirst;
        try
        {
            serverFirst = exchange.HandleClientFirst(Encoding.UTF8.GetString(clientFirst));
        }
        catch (ScramException ex)
        {
            throw new ClientLoginException(PgError.Fatal(SqlState.ProtocolViolation, $"malformed SCRAM message: {ex.Message}"));
        }
        await SendAsync(transport, w => MessageWriter.WriteAuthenticationRequest(w, AuthenticationCode.SaslContinue, Encoding.UTF8.GetBytes(serverFirst)), cancellationToken);

        var clientFinal = Encoding.UTF8.GetString(await ReadPasswordAsync(transport, cancellationToken));
        bool verified;
        string serverFinal;
        try
        {
            verified = exchange.TryHandleClientFinal(clientFinal, out serverFinal);
        }
        catch (ScramException ex)
        {
            throw new ClientLoginException(PgError.Fatal(SqlState.ProtocolViolation, $"malformed SCRAM message: {ex.Message}"));
        }
        if (!verified || user is null)
        {
            throw Failed(userName);
        }
        await SendAsync(transport, w => MessageWriter.WriteAuthenticationRequest(w, AuthenticationCode.SaslFinal, Encoding.UTF8.GetBytes(serverFinal)), cancellationToken);
        var passThroughKey = StoredSecret.Classify(user.Secret!) == SecretKind.Scram ? exchange.RecoveredClientKey : null;
        return new Outcome(user, passThroughKey);
    }

    private async Task<ScramServerExchange> CreateExchangeAsync(UserEntry? user, string userName, CancellationToken cancellationToken)
    {
        var secret = user?.Secret;
        if (secret is null)
        {
            return ScramServerExchange.ForUnknownUser(userName, processSecret);
        }
        switch (StoredSecret.Classify(secret))
        {
            case SecretKind.Plaintext:
                if (_derived.TryGetValue(userName, out var cached) && cached.Password == secret)
                {
                    return new ScramServerExchange(cached.Verifier);
                }
                // PBKDF2 (4096 rounds), once per user: off the socket threads, which may be running
                // I/O continuations inline.
                var derived = await Task.Run(() => ScramSecret.FromPassword(secret, RandomNumberGenerator.GetBytes(16)), cancellationToken).ConfigureAwait(false);
                _derived[userName] = (secret, derived);
                return new ScramServerExchange(derived);
            case SecretKind.Scram when ScramSecret.TryParse(secret, out var verifier):
                return new ScramServerExchange(verifier);
            default:
                return ScramServerExchange.ForUnknownUser(userName, processSecret);
        }
    }

    private static async Task<byte[]> ReadPasswordAsync(PgTransport transport, CancellationToken cancellationToken)
    {
        MessageIO.Message? read;
        try
        {
            read = await MessageIO.ReadAsync(transport.Reader, MessageIO.MaxLoginMessageLength, cancellationToken).ConfigureAwait(false);
        }
        catch (ProtocolException ex)
        {
            // Broken framing from a client is its protocol violation (08P01), as PostgreSQL reports it,
            // not an internal error of ours.
            throw new ClientLoginException(PgError.Fatal(SqlState.ProtocolViolation, ex.Message));
        }
        var message = read ?? throw new ClientLoginException(PgError.Fatal(SqlState.ProtocolViolation, "connection closed during authentication"));
        if (message.Type != FrontendMessage.Password)
        {
            throw new ClientLoginException(PgError.Fatal(SqlState.ProtocolViolation,
                $"expected password response, got message type '{(char)message.Type}'"));
        }
        return message.Body;
    }

    private static ReadOnlySpan<byte> TrimNul(byte[] body) =>
        body.Length > 0 && body[^1] == 0 ? body.AsSpan(0, body.Length - 1) : body;

    private static ClientLoginException Failed(string userName) =>
        new(PgError.Fatal(SqlState.InvalidPassword, $"password authentication failed for user \"{userName}\""));

    private static Task SendAsync(PgTransport transport, Action<System.Buffers.IBufferWriter<byte>> write, CancellationToken cancellationToken) =>
        MessageIO.SendAsync(transport, write, cancellationToken).AsTask();
}
