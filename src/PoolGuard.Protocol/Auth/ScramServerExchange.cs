using System.Security.Cryptography;

namespace PoolGuard.Protocol.Auth;

/// <summary>
/// Server side of one SCRAM-SHA-256 login (RFC 5802, RFC 7677) without channel binding.
/// Use each instance for exactly one attempt: HandleClientFirst, then TryHandleClientFinal.
/// </summary>
/// <remarks>
/// Syntax errors and unsupported requests throw ScramException; a well-formed final message that
/// fails verification (wrong password, wrong nonce, wrong channel-binding echo) returns false.
/// Either way the gateway should answer with one ErrorResponse that does not say which it was.
/// </remarks>
public sealed class ScramServerExchange
{
    private const int ServerNonceBytes = 18;
    private const int RandomSaltBytes = 16;

    private readonly ScramSecret _secret;
    private readonly bool _alwaysFail;
    private readonly string? _fixedServerNonce;
    private string? _clientFirstBare;
    private string? _serverFirst;
    private string? _expectedChannelBinding;
    private string? _nonce;
    private bool _finished;

    public ScramServerExchange(ScramSecret secret)
        : this(secret, alwaysFail: false, serverNonce: null)
    {
    }

    /// <summary>
    /// Derives a verifier with a fresh random salt, which costs one PBKDF2 run per login; callers
    /// that authenticate the same user often should cache a ScramSecret instead.
    /// </summary>
    public ScramServerExchange(string password)
        : this(ScramSecret.FromPassword(password, RandomNumberGenerator.GetBytes(RandomSaltBytes)), alwaysFail: false, serverNonce: null)
    {
    }

    /// <summary>Test seam: a fixed server nonce makes the exchange reproducible.</summary>
    internal ScramServerExchange(ScramSecret secret, string serverNonce)
        : this(secret, alwaysFail: false, serverNonce)
    {
    }

    private ScramServerExchange(ScramSecret secret, bool alwaysFail, string? serverNonce)
    {
        ArgumentNullException.ThrowIfNull(secret);
        _secret = secret;
        _alwaysFail = alwaysFail;
        _fixedServerNonce = serverNonce;
    }

    /// <summary>The client's ClientKey after a successful exchange; lets the gateway log in upstream.</summary>
    public byte[]? RecoveredClientKey { get; private set; }

    /// <summary>
    /// An exchange for a user that does not exist. Its salt is stable per name for the life of
    /// <paramref name="processSecret"/>, so probing twice cannot tell it from a real user, and its
    /// keys are random, but verification is refused outright rather than trusted to chance.
    /// </summary>
    public static ScramServerExchange ForUnknownUser(string userName, byte[] processSecret)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(processSecret);
        byte[] salt = HMACSHA256.HashData(processSecret, ScramSyntax.Utf8(userName))[..RandomSaltBytes];
        var secret = new ScramSecret(
            ScramSecret.DefaultIterations,
            salt,
            RandomNumberGenerator.GetBytes(ScramKeys.KeyLength),
            RandomNumberGenerator.GetBytes(ScramKeys.KeyLength));
        return new ScramServerExchange(secret, alwaysFail: true, serverNonce: null);
    }

    public string HandleClientFirst(string clientFirstMessage)
    {
        ArgumentNullException.ThrowIfNull(clientFirstMessage);
        if (_serverFirst is not null)
        {
            throw new InvalidOperationException("HandleClientFirst was already called for this exchange.");
        }

        const string What = "client-first-message";
        string[] parts = clientFirstMessage.Split(',');
        if (parts.Length < 4)
        {
            throw new ScramException($"Malformed SCRAM {What}: expected a GS2 header, a user name and a nonce.");
        }

        _expectedChannelBinding = parts[0] switch
        {
            "n" => "biws",
            "y" => "eSws",
            _ when parts[0].StartsWith("p=", StringComparison.Ordinal) => throw new ScramException(
                "The client asked for SCRAM channel binding, but PoolGuard offers only SCRAM-SHA-256 without it; use a client setting such as channel_binding=prefer or disable."),
            _ => throw new ScramException($"Malformed SCRAM {What}: the channel-binding flag must be 'n', 'y' or 'p='."),
        };

        if (parts[1].Length != 0)
        {
            throw new ScramException(parts[1].StartsWith("a=", StringComparison.Ordinal)
                ? "The client sent a SCRAM authorization identity, which PoolGuard does not support."
                : $"Malformed SCRAM {What}: unexpected text after the channel-binding flag.");
        }

        if (parts[2].StartsWith("m=", StringComparison.Ordinal))
        {
            throw new ScramException("The client requires a SCRAM extension that PoolGuard does not support.");
        }

        // PostgreSQL takes the user from the startup packet, so the SCRAM user name is ignored.
        ScramSyntax.Attribute(parts[2], 'n', What);
        string clientNonce = ScramSyntax.Attribute(parts[3], 'r', What);
        if (!ScramSyntax.IsPrintable(clientNonce))
        {
            throw new ScramException($"Malformed SCRAM {What}: the nonce is empty or not printable ASCII.");
        }

        ScramSyntax.RequireExtensions(parts.AsSpan(4), What);

        string serverNonce = _fixedServerNonce ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(ServerNonceBytes));
        _clientFirstBare = clientFirstMessage[(parts[0].Length + parts[1].Length + 2)..];
        _nonce = clientNonce + serverNonce;
        _serverFirst = $"r={_nonce},s={Convert.ToBase64String(_secret.Salt)},i={_secret.Iterations}";
        return _serverFirst;
    }

    public bool TryHandleClientFinal(string clientFinalMessage, out string serverFinalMessage)
    {
        ArgumentNullException.ThrowIfNull(clientFinalMessage);
        if (_serverFirst is null || _finished)
        {
            throw new InvalidOperationException("TryHandleClientFinal must follow HandleClientFirst, once.");
        }

        _finished = true;
        const string What = "client-final-message";
        string[] parts = clientFinalMessage.Split(',');
        if (parts.Length < 3)
        {
            throw new ScramException($"Malformed SCRAM {What}: expected channel binding, nonce and proof.");
        }

        string channelBinding = ScramSyntax.Attribute(parts[0], 'c', What);
        string nonce = ScramSyntax.Attribute(parts[1], 'r', What);
        ScramSyntax.RequireExtensions(parts.AsSpan(2, parts.Length - 3), What);
        byte[] proof = ScramSyntax.DecodeBase64(ScramSyntax.Attribute(parts[^1], 'p', What), "the proof", What);
        if (proof.Length != ScramKeys.KeyLength)
        {
            throw new ScramException($"Malformed SCRAM {What}: the proof is {proof.Length} bytes, expected {ScramKeys.KeyLength}.");
        }

        string withoutProof = clientFinalMessage[..(clientFinalMessage.Length - parts[^1].Length - 1)];
        byte[] authMessage = ScramSyntax.Utf8($"{_clientFirstBare},{_serverFirst},{withoutProof}");

        // The proof is checked even when the echo or nonce is already wrong, and for unknown
        // users, so every failure costs the same time.
        byte[] clientKey = ScramKeys.Xor(proof, ScramKeys.Signature(_secret.StoredKey, authMessage));
        bool proofMatches = CryptographicOperations.FixedTimeEquals(ScramKeys.StoredKey(clientKey), _secret.StoredKey);
        bool bindingMatches = string.Equals(channelBinding, _expectedChannelBinding, StringComparison.Ordinal);
        bool nonceMatches = string.Equals(nonce, _nonce, StringComparison.Ordinal);

        if (proofMatches & bindingMatches & nonceMatches & !_alwaysFail)
        {
            RecoveredClientKey = clientKey;
            serverFinalMessage = "v=" + Convert.ToBase64String(ScramKeys.Signature(_secret.ServerKey, authMessage));
            return true;
        }

        CryptographicOperations.ZeroMemory(clientKey);
        serverFinalMessage = !bindingMatches ? "e=channel-bindings-dont-match" : !nonceMatches ? "e=other-error" : "e=invalid-proof";
        return false;
    }
}
