using PoolGuard.Config.Model;
using PoolGuard.Gateway.Servers;
using Step = PoolGuard.Gateway.Servers.ServerTlsNegotiation.Step;

namespace PoolGuard.Tests.Gateway.Tls;

/// <summary>What the gateway does with PostgreSQL's answer to its SSLRequest, for every server_tls_sslmode.</summary>
public sealed class ServerTlsDecisionTests
{
    [Theory]
    [InlineData(TlsMode.Allow, 'S', "UseTls")]
    [InlineData(TlsMode.Allow, 'N', "StayPlain")]
    [InlineData(TlsMode.Prefer, 'S', "UseTls")]
    [InlineData(TlsMode.Prefer, 'N', "StayPlain")]
    [InlineData(TlsMode.Require, 'S', "UseTls")]
    [InlineData(TlsMode.Require, 'N', "Fail")]
    [InlineData(TlsMode.VerifyCa, 'N', "Fail")]
    [InlineData(TlsMode.VerifyFull, 'S', "UseTls")]
    [InlineData(TlsMode.VerifyFull, 'N', "Fail")]
    [InlineData(TlsMode.Prefer, 'E', "Fail")]
    public void The_answer_to_sslrequest_is_used_fallen_back_from_or_refused_as_the_mode_says(TlsMode mode, char answer, string expected) =>
        // The step by name: the enum is internal and a public test method cannot take it.
        Assert.Equal(Enum.Parse<Step>(expected), ServerTlsNegotiation.OnAnswer(mode, (byte)answer));
}
