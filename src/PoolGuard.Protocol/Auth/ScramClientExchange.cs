using System.Security.Cryptography;

namespace PoolGuard.Protocol.Auth;

/// <summary>
/// Client side of one SCRAM-SHA-256 login towards a PostgreSQL server, without channel binding.
/// Call CreateClientFirst, HandleServerFirst and VerifyServerFinal once each, in that order.
/// </summary>
/// <remarks>
/// Built from a ClientKey and verifier, it logs in without the password: the ClientKey recovered
/// from an incoming client login (ScramServerExchange.RecoveredClientKey) is enough, provided the
/// server holds the same verifier — the same salt and iteration count — as the auth file.
/// </remarks>
public sealed class ScramClientExchange
{
    private const int ClientNonceBytes = 24;
    private const string What = "server-first-message";

    private readonly string? _password;
    private readonly byte[]? _clientKey;
    private readonly ScramSecret? _secret;
    private readonly string _clientNonce;
    private readonly string _userName;
    private string? _clientFirstBare;
    private byte[]? _expectedServerSignature;
    private bool _verified;

    public ScramClientExchange(string password)
        : this(password, NewNonce(), userName: string.Empty)
    {
    }

    public ScramClientExchange(byte[] clientKey, ScramSecret secret)
        : this(clientKey, secret, NewNonce())
    {
    }

    /// <summary>Test seam: fixed nonce and SCRAM user name (PostgreSQL ignores the latter).</summary>
    internal ScramClientExchange(string password, string clientNonce, string userName)
    {
        ArgumentNullException.ThrowIfNull(password);
        _password = password;
        _clientNonce = clientNonce;
        _userName = userName;
    }

    /// <summary>Test seam: fixed nonce.</summary>
    internal ScramClientExchange(byte[] clientKey, ScramSecret secret, string clientNonce)
    {
        ArgumentNullException.ThrowIfNull(clientKey);
        ArgumentNullException.ThrowIfNull(secret);
        if (clientKey.Length != ScramKeys.KeyLength
            || !CryptographicOperations.FixedTimeEquals(ScramKeys.StoredKey(clientKey), secret.StoredKey))
        {
            throw new ArgumentException("The SCRAM client key does not belong to the given verifier.", nameof(clientKey));
        }

        _clientKey = clientKey;
        _secret = secret;
        _clientNonce = clientNonce;
        _userName = string.Empty;
    }

    public string CreateClientFirst()
    {
        if (_clientFirstBare is not null)
        {
            throw new InvalidOperationException("CreateClientFirst was already called for this exchange.");
        }

        _clientFirstBare = $"n={ScramSyntax.EscapeSaslName(_userName)},r={_clientNonce}";
        return "n,," + _clientFirstBare;
    }

    public string HandleServerFirst(string serverFirst)
    {
        ArgumentNullException.ThrowIfNull(serverFirst);
        if (_clientFirstBare is null || _expectedServerSignature is not null)
        {
            throw new InvalidOperationException("HandleServerFirst must follow CreateClientFirst, once.");
        }

        string[] parts = serverFirst.Split(',');
        if (parts.Length > 0 && parts[0].StartsWith("m=", StringComparison.Ordinal))
        {
            throw new ScramException("The server requires a SCRAM extension that PoolGuard does not support.");
        }

        if (parts.Length < 3)
        {
            throw new ScramException($"Malformed SCRAM {What}: expected nonce, salt and iteration count.");
        }

        string nonce = ScramSyntax.Attribute(parts[0], 'r', What);
        if (!ScramSyntax.IsPrintable(nonce) || nonce.Length <= _clientNonce.Length || !nonce.StartsWith(_clientNonce, StringComparison.Ordinal))
        {
            throw new ScramException("The server's SCRAM nonce does not extend the client's nonce; the reply does not belong to this login.");
        }

        byte[] salt = ScramSyntax.DecodeBase64(ScramSyntax.Attribute(parts[1], 's', What), "the salt", What);
        if (!ScramSyntax.TryParseIterations(ScramSyntax.Attribute(parts[2], 'i', What), out int iterations))
        {
            throw new ScramException($"Malformed SCRAM {What}: the iteration count must be a positive integer.");
        }

        ScramSyntax.RequireExtensions(parts.AsSpan(3), What);

        (byte[] clientKey, byte[] storedKey, byte[] serverKey) = Keys(salt, iterations);
        string withoutProof = $"c=biws,r={nonce}";
        byte[] authMessage = ScramSyntax.Utf8($"{_clientFirstBare},{serverFirst},{withoutProof}");
        byte[] proof = ScramKeys.Xor(clientKey, ScramKeys.Signature(storedKey, authMessage));
        _expectedServerSignature = ScramKeys.Signature(serverKey, authMessage);
        if (_password is not null)
        {
            CryptographicOperations.ZeroMemory(clientKey);
        }

        return $"{withoutProof},p={Convert.ToBase64String(proof)}";
    }

    public void VerifyServerFinal(string serverFinal)
    {
        ArgumentNullException.ThrowIfNull(serverFinal);
        if (_expectedServerSignature is null || _verified)
        {
            throw new InvalidOperationException("VerifyServerFinal must follow HandleServerFirst, once.");
        }

        _verified = true;
        string[] parts = serverFinal.Split(',');
        if (parts[0].StartsWith("e=", StringComparison.Ordinal))
        {
            throw new ScramException($"The server rejected the SCRAM login: {ScramSyntax.Describe(parts[0][2..])}.");
        }

        string verifier = ScramSyntax.Attribute(parts[0], 'v', "server-final-message");
        ScramSyntax.RequireExtensions(parts.AsSpan(1), "server-final-message");
        byte[] signature = ScramSyntax.DecodeBase64(verifier, "the server signature", "server-final-message");
        if (!CryptographicOperations.FixedTimeEquals(signature, _expectedServerSignature))
        {
            throw new ScramException("The server's SCRAM signature is wrong: it does not know this user's verifier, so it is not the server PoolGuard meant to reach.");
        }
    }

    private (byte[] ClientKey, byte[] StoredKey, byte[] ServerKey) Keys(byte[] salt, int iterations)
    {
        if (_password is not null)
        {
            (byte[] clientKey, byte[] serverKey) = ScramKeys.FromPassword(_password, salt, iterations);
            return (clientKey, ScramKeys.StoredKey(clientKey), serverKey);
        }

        // A ClientKey is only valid for the verifier it came from; PostgreSQL would reject the proof
        // anyway, but saying why here saves a confusing "password authentication failed".
        if (_secret!.Iterations != iterations || !_secret.Salt.AsSpan().SequenceEqual(salt))
        {
            throw new ScramException(
                "the server's SCRAM verifier differs from the one in the auth file (salt or iterations changed); update the auth file or give a plaintext password");
        }

        return (_clientKey!, _secret.StoredKey, _secret.ServerKey);
    }

    private static string NewNonce() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(ClientNonceBytes));
}
