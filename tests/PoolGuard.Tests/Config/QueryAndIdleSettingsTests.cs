using PoolGuard.Config;
using PoolGuard.Config.Model;

namespace PoolGuard.Tests.Config;

/// <summary>QueryTimeout, IdleTransactionTimeout, ClientIdleTimeout and MaxPreparedStatements, through both front doors.</summary>
public sealed class QueryAndIdleSettingsTests : IDisposable
{
    private readonly TempConfigDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Json_sets_the_query_and_idle_timeouts_and_the_prepared_statement_limit()
    {
        var file = WriteJson("""
            "QueryTimeout": "5s", "IdleTransactionTimeout": "00:01:00", "ClientIdleTimeout": 300, "MaxPreparedStatements": 50,
            """);

        var result = ConfigLoader.Load(file, TestSecrets.NoEnvironment());

        Assert.Empty(result.Warnings);
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), 50), NewSettings(result.Config));
    }

    [Fact]
    public void Ini_reads_the_timeouts_in_seconds_as_PgBouncer_does_and_warns_about_none_of_them()
    {
        var ini = WriteIni("query_timeout = 5\nidle_transaction_timeout = 0.5\nclient_idle_timeout = 5m\nmax_prepared_statements = 0");

        var result = ConfigLoader.Load(ini);

        Assert.Empty(result.Warnings);
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(5), 0), NewSettings(result.Config));
    }

    [Fact]
    public void Max_prepared_statements_is_no_longer_an_unimplemented_setting()
    {
        var result = ConfigLoader.Load(WriteIni("max_prepared_statements = 100"));

        Assert.Equal(100, result.Config.MaxPreparedStatements);
        Assert.DoesNotContain(result.Warnings, w => w.Contains("not implemented", StringComparison.Ordinal));
    }

    [Fact]
    public void Left_out_the_timeouts_are_off_and_200_prepared_statements_are_kept_in_either_format()
    {
        var fromJson = ConfigLoader.Load(_directory.Write("poolguard.json", ConfigSamples.MinimalJson), TestSecrets.NoEnvironment()).Config;
        var fromIni = ConfigLoader.Load(WriteIni("")).Config;

        Assert.Equal((TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, 200), NewSettings(fromJson));
        Assert.Equal((TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, 200), NewSettings(fromIni));
    }

    [Fact]
    public void Negative_values_in_json_are_errors_naming_the_file_and_key()
    {
        var file = WriteJson("""
            "QueryTimeout": "-5s", "IdleTransactionTimeout": -1, "ClientIdleTimeout": "-1m", "MaxPreparedStatements": -1,
            """);

        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, TestSecrets.NoEnvironment())).Errors;

        Assert.Equal(
            [
                new ConfigError(file, "key PoolGuard:MaxPreparedStatements", "MaxPreparedStatements must be 0 or more, got -1 (0 means prepared statements are not tracked)"),
                new ConfigError(file, "key PoolGuard:QueryTimeout", "QueryTimeout must not be negative, got -5s (0 turns it off)"),
                new ConfigError(file, "key PoolGuard:IdleTransactionTimeout", "IdleTransactionTimeout must not be negative, got -1s (0 turns it off)"),
                new ConfigError(file, "key PoolGuard:ClientIdleTimeout", "ClientIdleTimeout must not be negative, got -60s (0 turns it off)"),
            ],
            errors);
    }

    [Fact]
    public void Negative_values_in_ini_are_errors_naming_the_file_line_and_ini_key()
    {
        var ini = WriteIni("query_timeout = -5\nidle_transaction_timeout = -1\nclient_idle_timeout = -2\nmax_prepared_statements = -1");

        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.Load(ini)).Errors;

        Assert.Equal(
            [
                new ConfigError(ini, "line 7", "query_timeout must not be negative, got -5s (0 turns it off)"),
                new ConfigError(ini, "line 8", "idle_transaction_timeout must not be negative, got -1s (0 turns it off)"),
                new ConfigError(ini, "line 9", "client_idle_timeout must not be negative, got -2s (0 turns it off)"),
                new ConfigError(ini, "line 10", "max_prepared_statements must be 0 or more, got -1 (0 means prepared statements are not tracked)"),
            ],
            errors);
    }

    private static (TimeSpan Query, TimeSpan IdleTransaction, TimeSpan ClientIdle, int MaxPrepared) NewSettings(PoolGuardConfig config) =>
        (config.QueryTimeout, config.IdleTransactionTimeout, config.ClientIdleTimeout, config.MaxPreparedStatements);

    private string WriteJson(string settings) => _directory.Write("poolguard.json", ConfigSamples.MinimalJson.Replace("\"AuthType\"", settings + " \"AuthType\""));

    private string WriteIni(string extra) => _directory.Write("pgbouncer.ini", ConfigSamples.TrustIni(extra));
}
