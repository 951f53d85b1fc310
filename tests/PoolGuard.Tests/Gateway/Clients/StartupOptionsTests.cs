using PoolGuard.Gateway.Clients;

namespace PoolGuard.Tests.Gateway.Clients;

public sealed class StartupOptionsTests
{
    [Theory]
    [InlineData("-c statement_timeout=5s", "statement_timeout=5s")]
    [InlineData("-cstatement_timeout=5s   -c lock_timeout=1s", "statement_timeout=5s|lock_timeout=1s")]
    [InlineData("--statement-timeout=5s", "statement_timeout=5s")]             // dashes in the name, as postgres reads them
    [InlineData("-c search_path=a\\ b", "search_path=a b")]                    // a backslash keeps the space
    [InlineData("-c application_name=x=y", "application_name=x=y")]
    [InlineData("", "")]
    public void Settings_are_read_the_way_postgresql_reads_them(string options, string expected)
    {
        var settings = StartupOptions.TryParse(options, out var error);
        Assert.Null(error);
        Assert.Equal(expected, string.Join('|', settings!.Select(s => $"{s.Key}={s.Value}")));
    }

    [Theory]
    [InlineData("-B 100", "-B")]
    [InlineData("-c", "-c")]
    [InlineData("-c novalue", "-c")]
    [InlineData("statement_timeout=5s", "statement_timeout=5s")]
    [InlineData("--=1", "--=1")]
    public void Anything_but_a_setting_is_refused_naming_the_word(string options, string word)
    {
        Assert.Null(StartupOptions.TryParse(options, out var error));
        Assert.Contains($"\"{word}\"", error, StringComparison.Ordinal);
    }
}
