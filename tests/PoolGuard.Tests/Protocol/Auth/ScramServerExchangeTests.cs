using PoolGuard.Protocol.Auth;

namespace PoolGuard.Tests.Protocol.Auth;

public sealed class ScramServerExchangeTests
{
    private const string ValidProof = "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private const string FullNonce = Rfc7677.ClientNonce + Rfc7677.ServerNonce;

    [Fact]
    public void Wrong_password_fails_without_recovering_a_client_key()
    {
        Assert.False(ScramInteropTests.Run(Rfc7677.Client("pencil2"), Rfc7677.Server()));

        ScramServerExchange server = Rfc7677.Server();
        server.HandleClientFirst(Rfc7677.ClientFirst);
        ScramClientExchange client = Rfc7677.Client("wrong");
        client.CreateClientFirst();
        string clientFinal = client.HandleServerFirst(Rfc7677.ServerFirst);

        Assert.False(server.TryHandleClientFinal(clientFinal, out string serverFinal));
        Assert.Equal("e=invalid-proof", serverFinal);
        Assert.Null(server.RecoveredClientKey);
    }

    [Fact]
    public void Tampered_nonce_fails()
    {
        ScramServerExchange server = Rfc7677.Server();
        server.HandleClientFirst(Rfc7677.ClientFirst);
        string tampered = Rfc7677.ClientFinal.Replace("k0,p=", "k1,p=", StringComparison.Ordinal);

        Assert.False(server.TryHandleClientFinal(tampered, out _));
        Assert.Null(server.RecoveredClientKey);
    }

    [Fact]
    public void Channel_binding_echo_that_does_not_match_the_gs2_header_fails()
    {
        ScramServerExchange server = Rfc7677.Server();
        server.HandleClientFirst("y,,n=user,r=" + Rfc7677.ClientNonce);

        Assert.False(server.TryHandleClientFinal(Rfc7677.ClientFinal, out string serverFinal));
        Assert.Equal("e=channel-bindings-dont-match", serverFinal);
    }

    [Fact]
    public void Client_that_supports_channel_binding_but_was_not_offered_it_is_accepted()
    {
        ScramServerExchange server = Rfc7677.Server();
        string serverFirst = server.HandleClientFirst("y,,n=,r=" + Rfc7677.ClientNonce);
        string clientFinal = ScramTestProof.ClientFinal(Rfc7677.Password, "n=,r=" + Rfc7677.ClientNonce, serverFirst, "c=eSws,r=" + FullNonce);

        Assert.True(server.TryHandleClientFinal(clientFinal, out _));
    }

    [Fact]
    public void Scram_user_name_is_ignored()
    {
        ScramServerExchange server = Rfc7677.Server();
        string serverFirst = server.HandleClientFirst("n,,n=*,r=" + Rfc7677.ClientNonce);
        string clientFinal = ScramTestProof.ClientFinal(Rfc7677.Password, "n=*,r=" + Rfc7677.ClientNonce, serverFirst, "c=biws,r=" + FullNonce);

        Assert.True(server.TryHandleClientFinal(clientFinal, out _));
    }

    [Fact]
    public void Channel_binding_request_tls_server_end_point_is_rejected()
    {
        var error = Assert.Throws<ScramException>(
            () => Rfc7677.Server().HandleClientFirst("p=tls-server-end-point,,n=,r=" + Rfc7677.ClientNonce));
        Assert.Contains("channel binding", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(",")]
    [InlineData("n")]
    [InlineData("n,,")]
    [InlineData("n,,n=")]
    [InlineData("n,,n=user")]
    [InlineData("n,,n=,r=")]
    [InlineData("n,,r=abc,n=")]
    [InlineData("x,,n=,r=abc")]
    [InlineData("n,a=bob,n=,r=abc")]
    [InlineData("n,junk,n=,r=abc")]
    [InlineData("n,,m=ext,n=,r=abc")]
    [InlineData("n,,n=,r=a b")]
    [InlineData("n,,n=,r=abcé")]
    [InlineData("n,,n=,r=abc,garbage")]
    [InlineData("n,,n=,r=abc,=x")]
    [InlineData("\0\0\0\0")]
    public void Malformed_client_first_throws_ScramException(string clientFirst)
    {
        Assert.Throws<ScramException>(() => Rfc7677.Server().HandleClientFirst(clientFirst));
    }

    [Theory]
    [InlineData("")]
    [InlineData(",,")]
    [InlineData("c=biws")]
    [InlineData("c=biws,r=" + FullNonce)]
    [InlineData("r=" + FullNonce + ",c=biws," + ValidProof)]
    [InlineData("c=biws," + ValidProof + ",r=" + FullNonce)]
    [InlineData("c=biws,r=" + FullNonce + ",p=")]
    [InlineData("c=biws,r=" + FullNonce + ",p=!!!!")]
    [InlineData("c=biws,r=" + FullNonce + ",p=AAAA")]
    [InlineData("c=biws,r=" + FullNonce + ",p=dHzb ZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")]
    [InlineData("c=biws,r=" + FullNonce + ",junk," + ValidProof)]
    public void Malformed_client_final_throws_ScramException(string clientFinal)
    {
        ScramServerExchange server = Rfc7677.Server();
        server.HandleClientFirst(Rfc7677.ClientFirst);

        Assert.Throws<ScramException>(() => server.TryHandleClientFinal(clientFinal, out _));
    }

    [Fact]
    public void Unknown_extensions_in_client_messages_are_ignored()
    {
        ScramServerExchange server = Rfc7677.Server();
        Assert.Equal(Rfc7677.ServerFirst, server.HandleClientFirst(Rfc7677.ClientFirst + ",x=1"));
    }

    [Fact]
    public void An_exchange_accepts_only_one_final_message()
    {
        ScramServerExchange server = Rfc7677.Server();
        server.HandleClientFirst(Rfc7677.ClientFirst);
        server.TryHandleClientFinal(Rfc7677.ClientFinal.Replace("p=d", "p=e", StringComparison.Ordinal), out _);

        Assert.Throws<InvalidOperationException>(() => server.TryHandleClientFinal(Rfc7677.ClientFinal, out _));
    }

    [Fact]
    public void Final_message_before_first_message_is_a_programming_error()
    {
        Assert.Throws<InvalidOperationException>(() => Rfc7677.Server().TryHandleClientFinal(Rfc7677.ClientFinal, out _));
    }
}
