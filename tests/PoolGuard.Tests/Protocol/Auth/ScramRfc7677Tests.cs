using PoolGuard.Protocol.Auth;

namespace PoolGuard.Tests.Protocol.Auth;

public sealed class ScramRfc7677Tests
{
    [Fact]
    public void Scram_server_accepts_the_RFC_7677_test_vector()
    {
        ScramServerExchange server = Rfc7677.Server();

        Assert.Equal(Rfc7677.ServerFirst, server.HandleClientFirst(Rfc7677.ClientFirst));
        Assert.True(server.TryHandleClientFinal(Rfc7677.ClientFinal, out string serverFinal));
        Assert.Equal(Rfc7677.ServerFinal, serverFinal);
        Assert.NotNull(server.RecoveredClientKey);
    }

    [Fact]
    public void Scram_client_produces_the_RFC_7677_test_vector()
    {
        ScramClientExchange client = Rfc7677.Client();

        Assert.Equal(Rfc7677.ClientFirst, client.CreateClientFirst());
        Assert.Equal(Rfc7677.ClientFinal, client.HandleServerFirst(Rfc7677.ServerFirst));
        client.VerifyServerFinal(Rfc7677.ServerFinal);
    }

    [Fact]
    public void Secret_from_the_RFC_password_and_salt_matches_an_independently_computed_verifier()
    {
        Assert.Equal(Rfc7677.Verifier, Rfc7677.Secret().ToString());
    }

    [Fact]
    public void Server_built_from_the_parsed_RFC_verifier_accepts_the_RFC_client_final()
    {
        Assert.True(ScramSecret.TryParse(Rfc7677.Verifier, out ScramSecret? secret));
        var server = new ScramServerExchange(secret, Rfc7677.ServerNonce);

        server.HandleClientFirst(Rfc7677.ClientFirst);

        Assert.True(server.TryHandleClientFinal(Rfc7677.ClientFinal, out string serverFinal));
        Assert.Equal(Rfc7677.ServerFinal, serverFinal);
    }

    [Fact]
    public void Recovered_client_key_hashes_to_the_stored_key()
    {
        ScramServerExchange server = Rfc7677.Server();
        server.HandleClientFirst(Rfc7677.ClientFirst);
        server.TryHandleClientFinal(Rfc7677.ClientFinal, out _);

        Assert.Equal(Rfc7677.Secret().StoredKey, System.Security.Cryptography.SHA256.HashData(server.RecoveredClientKey!));
    }
}
