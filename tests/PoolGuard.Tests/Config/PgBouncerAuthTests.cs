using PoolGuard.Config;
using PoolGuard.Config.Model;

namespace PoolGuard.Tests.Config;

public sealed class PgBouncerAuthTests : IDisposable
{
    private readonly TempConfigDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Malformed_userlist_line_is_an_error_naming_the_auth_file_and_line()
    {
        var userlist = _directory.Write("userlist.txt", $"\"alice\" \"{TestSecrets.Plaintext}\"\n\"bob\" \"unterminated-hunter2\n\"carol\"\n");
        var ini = _directory.Write("pgbouncer.ini", """
            [databases]
            app = host=db1
            [pgbouncer]
            listen_addr = 127.0.0.1
            auth_file = userlist.txt
            """);

        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.Load(ini)).Errors;

        Assert.Equal(
            [
                new ConfigError(userlist, "line 2", "user bob: the secret's closing double quote is missing (write \"\" for a quote inside it)"),
                new ConfigError(userlist, "line 3", "user carol: expected a double-quoted secret after the user name"),
            ],
            errors);
    }

    [Theory]
    [InlineData("cert")]
    [InlineData("hba")]
    [InlineData("pam")]
    public void Auth_types_PoolGuard_cannot_do_are_errors(string authType)
    {
        var ini = WriteIni($"auth_type = {authType}");

        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.Load(ini)).Errors;

        Assert.Contains(new ConfigError(ini, "line 7", $"auth_type {authType} is not supported by PoolGuard; use trust, plain, md5 or scram-sha-256"), errors);
    }

    [Fact]
    public void Auth_type_any_is_read_as_trust_with_a_warning()
    {
        var result = ConfigLoader.Load(WriteIni("auth_type = any"));

        Assert.Equal(AuthType.Trust, result.Config.AuthType);
        Assert.Contains(result.Warnings, w => w.StartsWith("pgbouncer.ini line 7: auth_type any is read as trust", StringComparison.Ordinal));
    }

    private string WriteIni(string extra) => _directory.Write("pgbouncer.ini", ConfigSamples.TrustIni(extra));
}
