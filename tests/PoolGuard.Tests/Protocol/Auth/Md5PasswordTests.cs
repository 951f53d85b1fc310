using System.Security.Cryptography;
using System.Text;
using PoolGuard.Protocol.Auth;

namespace PoolGuard.Tests.Protocol.Auth;

public sealed class Md5PasswordTests
{
    private static readonly byte[] Salt = [0x01, 0x02, 0xFE, 0xFF];

    [Fact]
    public void Hash_is_md5_of_password_followed_by_user_in_lower_case_hex()
    {
        string independent = "md5" + Convert.ToHexStringLower(MD5.HashData("secretalice"u8));

        Assert.Equal(independent, Md5Password.Hash("secret", "alice"));
        Assert.Equal("md54a0a68b43b6cd5cf266fa02f196e2371", Md5Password.Hash("secret", "alice"));
        Assert.Equal("md53175bce1d3201d16594cebf9d7eb3f9d", Md5Password.Hash("postgres", "postgres"));
    }

    [Fact]
    public void Response_hashes_the_stored_hex_with_the_salt()
    {
        byte[] inner = [.. Encoding.ASCII.GetBytes("4a0a68b43b6cd5cf266fa02f196e2371"), .. Salt];
        string independent = "md5" + Convert.ToHexStringLower(MD5.HashData(inner));

        byte[] response = Md5Password.Response("secret", "alice", Salt);

        Assert.Equal(35, response.Length);
        Assert.Equal(independent, Encoding.ASCII.GetString(response));
    }

    [Fact]
    public void Response_from_the_password_equals_response_from_the_stored_hash()
    {
        string stored = Md5Password.Hash("secret", "alice");

        Assert.Equal(Md5Password.Response("secret", "alice", Salt), Md5Password.Response(stored, "alice", Salt));
        Assert.Equal(Md5Password.Response(stored, "alice", Salt), Md5Password.Response(stored.ToUpperInvariant().Replace("MD5", "md5", StringComparison.Ordinal), "alice", Salt));
    }

    [Fact]
    public void Verify_accepts_the_right_response_and_rejects_others()
    {
        string stored = Md5Password.Hash("secret", "alice");
        byte[] response = Md5Password.Response("secret", "alice", Salt);

        Assert.True(Md5Password.Verify(stored, "alice", Salt, response));
        Assert.True(Md5Password.Verify("secret", "alice", Salt, response));
        Assert.False(Md5Password.Verify(stored, "alice", Salt, Md5Password.Response("secreT", "alice", Salt)));
        Assert.False(Md5Password.Verify(stored, "alice", [0x01, 0x02, 0xFE, 0xFE], response));
        Assert.False(Md5Password.Verify("secret", "bob", Salt, response));
        Assert.False(Md5Password.Verify(stored, "alice", Salt, response.AsSpan(0, 34)));
        Assert.False(Md5Password.Verify(stored, "alice", Salt, [.. response, 0]));
        Assert.False(Md5Password.Verify(stored, "alice", Salt, []));
    }

    [Theory]
    [InlineData("md54a0a68b43b6cd5cf266fa02f196e2371", true)]
    [InlineData("md54A0A68B43B6CD5CF266FA02F196E2371", true)]
    [InlineData("md54a0a68b43b6cd5cf266fa02f196e237", false)]
    [InlineData("md54a0a68b43b6cd5cf266fa02f196e237g", false)]
    [InlineData("MD54a0a68b43b6cd5cf266fa02f196e2371", false)]
    [InlineData("secret", false)]
    public void Md5_secrets_are_recognised_by_prefix_length_and_hex(string text, bool isMd5)
    {
        Assert.Equal(isMd5, Md5Password.IsMd5Secret(text));
    }

    [Fact]
    public void Salt_must_be_four_bytes()
    {
        Assert.Throws<ArgumentException>(() => Md5Password.Response("secret", "alice", [1, 2, 3]));
    }
}
