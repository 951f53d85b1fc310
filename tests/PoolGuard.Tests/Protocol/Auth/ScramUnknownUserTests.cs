using System.Security.Cryptography;
using PoolGuard.Protocol.Auth;

namespace PoolGuard.Tests.Protocol.Auth;

public sealed class ScramUnknownUserTests
{
    private static readonly byte[] ProcessSecret = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void Unknown_user_sees_the_same_salt_on_every_attempt()
    {
        Assert.Equal(SaltFor("mallory", ProcessSecret), SaltFor("mallory", ProcessSecret));
    }

    [Fact]
    public void Different_unknown_users_see_different_salts()
    {
        Assert.NotEqual(SaltFor("mallory", ProcessSecret), SaltFor("trudy", ProcessSecret));
    }

    [Fact]
    public void Salt_depends_on_the_process_secret()
    {
        Assert.NotEqual(SaltFor("mallory", ProcessSecret), SaltFor("mallory", RandomNumberGenerator.GetBytes(32)));
    }

    [Fact]
    public void Unknown_user_server_first_has_the_same_shape_as_a_real_user()
    {
        const string Shape = "^r=abc[A-Za-z0-9+/]{24},s=[A-Za-z0-9+/]{22}==,i=4096$";
        string unknown = ScramServerExchange.ForUnknownUser("mallory", ProcessSecret).HandleClientFirst("n,,n=,r=abc");
        string known = new ScramServerExchange("pencil").HandleClientFirst("n,,n=,r=abc");

        Assert.Matches(Shape, unknown);
        Assert.Matches(Shape, known);
    }

    [Theory]
    [InlineData("")]
    [InlineData("pencil")]
    [InlineData("mallory")]
    public void Unknown_user_always_fails_verification(string password)
    {
        var server = ScramServerExchange.ForUnknownUser("mallory", ProcessSecret);

        Assert.False(ScramInteropTests.Run(new ScramClientExchange(password), server));
        Assert.Null(server.RecoveredClientKey);
    }

    [Fact]
    public void Unknown_user_failure_reply_is_the_same_as_a_wrong_password()
    {
        var unknown = ScramServerExchange.ForUnknownUser("mallory", ProcessSecret);
        var known = new ScramServerExchange("the real one");

        Assert.Equal(FinalReply(known, "guess"), FinalReply(unknown, "guess"));
    }

    private static string SaltFor(string user, byte[] processSecret)
    {
        string serverFirst = ScramServerExchange.ForUnknownUser(user, processSecret).HandleClientFirst("n,,n=,r=abc");
        return serverFirst.Split(',')[1];
    }

    private static string FinalReply(ScramServerExchange server, string password)
    {
        var client = new ScramClientExchange(password);
        string clientFinal = client.HandleServerFirst(server.HandleClientFirst(client.CreateClientFirst()));
        server.TryHandleClientFinal(clientFinal, out string reply);
        return reply;
    }
}
