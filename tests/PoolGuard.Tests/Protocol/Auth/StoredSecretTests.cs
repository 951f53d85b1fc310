using PoolGuard.Protocol.Auth;

namespace PoolGuard.Tests.Protocol.Auth;

public sealed class StoredSecretTests
{
    [Theory]
    [InlineData("hunter2", SecretKind.Plaintext)]
    [InlineData("", SecretKind.Plaintext)]
    [InlineData("md54a0a68b43b6cd5cf266fa02f196e2371", SecretKind.Md5)]
    [InlineData("md5-not-really-a-hash-but-35-chars!", SecretKind.Plaintext)]
    [InlineData(Rfc7677.Verifier, SecretKind.Scram)]
    [InlineData("SCRAM-SHA-256$4096:broken", SecretKind.Plaintext)]
    public void Secrets_are_classified_the_way_PostgreSQL_does(string secret, SecretKind kind)
    {
        Assert.Equal(kind, StoredSecret.Classify(secret));
    }

    [Fact]
    public void Cleartext_password_is_checked_against_a_plaintext_secret()
    {
        Assert.True(StoredSecret.VerifyCleartext("pencil", "user", "pencil"));
        Assert.False(StoredSecret.VerifyCleartext("pencil", "user", "pencil "));
        Assert.False(StoredSecret.VerifyCleartext("pencil", "user", "Pencil"));
        Assert.False(StoredSecret.VerifyCleartext("pencil", "user", ""));
    }

    [Fact]
    public void Cleartext_password_is_checked_against_an_md5_secret()
    {
        string stored = Md5Password.Hash("pencil", "user");

        Assert.True(StoredSecret.VerifyCleartext(stored, "user", "pencil"));
        Assert.True(StoredSecret.VerifyCleartext(stored.ToUpperInvariant().Replace("MD5", "md5", StringComparison.Ordinal), "user", "pencil"));
        Assert.False(StoredSecret.VerifyCleartext(stored, "user", "pencil2"));
        Assert.False(StoredSecret.VerifyCleartext(stored, "someone-else", "pencil"));
    }

    [Fact]
    public void Cleartext_password_is_checked_against_a_scram_secret()
    {
        Assert.True(StoredSecret.VerifyCleartext(Rfc7677.Verifier, "user", "pencil"));
        Assert.False(StoredSecret.VerifyCleartext(Rfc7677.Verifier, "user", "pencil2"));
        Assert.False(StoredSecret.VerifyCleartext(Rfc7677.Verifier, "user", Rfc7677.Verifier));
    }
}
