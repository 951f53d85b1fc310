using System.Security.Cryptography;
using PoolGuard.Protocol.Auth;

namespace PoolGuard.Tests.Protocol.Auth;

public sealed class ScramInteropTests
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public void Client_and_server_both_built_from_the_password_agree()
    {
        Assert.True(Run(new ScramClientExchange(Password), new ScramServerExchange(Password)));
    }

    [Fact]
    public void Client_with_password_logs_into_server_holding_only_the_verifier()
    {
        ScramSecret secret = ScramSecret.FromPassword(Password, RandomNumberGenerator.GetBytes(16));

        Assert.True(Run(new ScramClientExchange(Password), new ScramServerExchange(secret)));
    }

    [Fact]
    public void Recovered_client_key_logs_into_a_second_server_with_the_same_verifier()
    {
        ScramSecret secret = ScramSecret.FromPassword(Password, RandomNumberGenerator.GetBytes(16));
        var incoming = new ScramServerExchange(secret);
        Assert.True(Run(new ScramClientExchange(Password), incoming));

        var passThrough = new ScramClientExchange(incoming.RecoveredClientKey!, secret);

        Assert.True(Run(passThrough, new ScramServerExchange(secret)));
    }

    [Fact]
    public void Recovered_client_key_is_refused_with_a_clear_message_when_the_server_verifier_changed()
    {
        ScramSecret authFile = ScramSecret.FromPassword(Password, RandomNumberGenerator.GetBytes(16));
        ScramSecret serverSide = ScramSecret.FromPassword(Password, RandomNumberGenerator.GetBytes(16));
        var incoming = new ScramServerExchange(authFile);
        Assert.True(Run(new ScramClientExchange(Password), incoming));

        var passThrough = new ScramClientExchange(incoming.RecoveredClientKey!, authFile);
        string serverFirst = new ScramServerExchange(serverSide).HandleClientFirst(passThrough.CreateClientFirst());

        var error = Assert.Throws<ScramException>(() => passThrough.HandleServerFirst(serverFirst));
        Assert.Contains("differs from the one in the auth file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Client_key_that_does_not_belong_to_the_verifier_is_rejected_up_front()
    {
        ScramSecret secret = ScramSecret.FromPassword(Password, RandomNumberGenerator.GetBytes(16));

        Assert.Throws<ArgumentException>(() => new ScramClientExchange(RandomNumberGenerator.GetBytes(32), secret));
    }

    [Fact]
    public void Non_ascii_password_round_trips_between_client_and_server()
    {
        Assert.True(Run(new ScramClientExchange("pässwörd-日本"), new ScramServerExchange("pässwörd-日本")));
    }

    /// <summary>Runs a whole exchange; true when the server accepted and the client verified it.</summary>
    internal static bool Run(ScramClientExchange client, ScramServerExchange server)
    {
        string serverFirst = server.HandleClientFirst(client.CreateClientFirst());
        string clientFinal = client.HandleServerFirst(serverFirst);
        if (!server.TryHandleClientFinal(clientFinal, out string serverFinal))
        {
            return false;
        }

        client.VerifyServerFinal(serverFinal);
        return true;
    }
}
