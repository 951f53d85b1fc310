using PoolGuard.Protocol.Auth;

namespace PoolGuard.Tests.Protocol.Auth;

public sealed class ScramClientExchangeTests
{
    private const string FullNonce = Rfc7677.ClientNonce + Rfc7677.ServerNonce;

    [Fact]
    public void Client_first_message_has_an_empty_user_and_a_fresh_32_character_nonce()
    {
        string first = new ScramClientExchange("pw").CreateClientFirst();
        string other = new ScramClientExchange("pw").CreateClientFirst();

        Assert.Matches("^n,,n=,r=[A-Za-z0-9+/]{32}$", first);
        Assert.NotEqual(first, other);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("r=" + FullNonce)]
    [InlineData("r=" + FullNonce + ",s=" + Rfc7677.SaltBase64)]
    [InlineData("r=someoneelse,s=" + Rfc7677.SaltBase64 + ",i=4096")]
    [InlineData("r=" + Rfc7677.ClientNonce + ",s=" + Rfc7677.SaltBase64 + ",i=4096")]
    [InlineData("r=" + FullNonce + ",s=" + Rfc7677.SaltBase64 + ",i=0")]
    [InlineData("r=" + FullNonce + ",s=" + Rfc7677.SaltBase64 + ",i=-1")]
    [InlineData("r=" + FullNonce + ",s=" + Rfc7677.SaltBase64 + ",i=4k")]
    [InlineData("r=" + FullNonce + ",s=" + Rfc7677.SaltBase64 + ",i=99999999999")]
    [InlineData("r=" + FullNonce + ",s=not base64!,i=4096")]
    [InlineData("r=" + FullNonce + ",s=,i=4096")]
    [InlineData("s=" + Rfc7677.SaltBase64 + ",r=" + FullNonce + ",i=4096")]
    [InlineData("m=ext,r=" + FullNonce + ",s=" + Rfc7677.SaltBase64 + ",i=4096")]
    [InlineData("r=" + FullNonce + ",s=" + Rfc7677.SaltBase64 + ",i=4096,junk")]
    public void Malformed_or_foreign_server_first_throws_ScramException(string serverFirst)
    {
        ScramClientExchange client = Rfc7677.Client();
        client.CreateClientFirst();

        Assert.Throws<ScramException>(() => client.HandleServerFirst(serverFirst));
    }

    [Theory]
    [InlineData("")]
    [InlineData("v=")]
    [InlineData("v=!!!!")]
    [InlineData("x=1")]
    [InlineData("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("e=invalid-proof")]
    public void Bad_server_final_throws_ScramException(string serverFinal)
    {
        ScramClientExchange client = Rfc7677.Client();
        client.CreateClientFirst();
        client.HandleServerFirst(Rfc7677.ServerFirst);

        Assert.Throws<ScramException>(() => client.VerifyServerFinal(serverFinal));
    }

    [Fact]
    public void Server_error_is_named_in_the_exception()
    {
        ScramClientExchange client = Rfc7677.Client();
        client.CreateClientFirst();
        client.HandleServerFirst(Rfc7677.ServerFirst);

        var error = Assert.Throws<ScramException>(() => client.VerifyServerFinal("e=invalid-proof"));
        Assert.Contains("invalid-proof", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Server_final_is_checked_only_once()
    {
        ScramClientExchange client = Rfc7677.Client();
        client.CreateClientFirst();
        client.HandleServerFirst(Rfc7677.ServerFirst);
        client.VerifyServerFinal(Rfc7677.ServerFinal);

        Assert.Throws<InvalidOperationException>(() => client.VerifyServerFinal(Rfc7677.ServerFinal));
    }
}
