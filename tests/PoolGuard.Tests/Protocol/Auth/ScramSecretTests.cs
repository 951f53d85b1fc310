using System.Security.Cryptography;
using PoolGuard.Protocol.Auth;

namespace PoolGuard.Tests.Protocol.Auth;

public sealed class ScramSecretTests
{
    [Fact]
    public void Verifier_text_round_trips_through_parse_and_format()
    {
        ScramSecret secret = ScramSecret.FromPassword("s3cret", RandomNumberGenerator.GetBytes(16), 10_000);

        Assert.True(ScramSecret.TryParse(secret.ToString(), out ScramSecret? parsed));
        Assert.Equal(secret, parsed);
        Assert.Equal(secret.ToString(), parsed.ToString());
        Assert.Equal(10_000, parsed.Iterations);
    }

    [Fact]
    public void Parsing_the_RFC_verifier_yields_its_parts()
    {
        Assert.True(ScramSecret.TryParse(Rfc7677.Verifier, out ScramSecret? secret));

        Assert.Equal(4096, secret.Iterations);
        Assert.Equal(Rfc7677.Salt, secret.Salt);
        Assert.Equal(Rfc7677.Secret(), secret);
    }

    [Fact]
    public void Secrets_with_different_passwords_are_not_equal()
    {
        Assert.NotEqual(Rfc7677.Secret(), ScramSecret.FromPassword("pencil2", Rfc7677.Salt));
    }

    [Theory]
    [InlineData("")]
    [InlineData("pencil")]
    [InlineData("md53175bce1d3201d16594cebf9d7eb3f9d")]
    [InlineData("SCRAM-SHA-256$")]
    [InlineData("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==")]
    [InlineData("SCRAM-SHA-256$0:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=")]
    [InlineData("SCRAM-SHA-256$-1:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=")]
    [InlineData("SCRAM-SHA-256$4096:$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=")]
    [InlineData("SCRAM-SHA-256$4096:W22Z aJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=")]
    [InlineData("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$AAAA:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=")]
    [InlineData("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=")]
    [InlineData("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=$x")]
    [InlineData("scram-sha-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=")]
    public void Malformed_verifier_text_is_not_parsed(string text)
    {
        Assert.False(ScramSecret.TryParse(text, out ScramSecret? secret));
        Assert.Null(secret);
    }

    [Fact]
    public void Ascii_passwords_are_hashed_unchanged()
    {
        Assert.Equal("Tr0ub4dor&3", SaslPrep.Apply("Tr0ub4dor&3"));
    }
}
