using PoolGuard.Cli;
using PoolGuard.LoadTest.Results;
using PoolGuard.LoadTest.Running;

namespace PoolGuard.Tests.LoadTest;

/// <summary>`loadtest --threshold`, `--connection` and `--duration` as a user writes them.</summary>
public sealed class ThresholdTests
{
    private static readonly LoadTestResult Result = new()
    {
        Workload = "select-only", Model = "closed", Endpoint = "db:5432/app as app", StartedAt = DateTimeOffset.UnixEpoch,
        Transactions = 9990, Errors = 10, Tps = 2500, Latency = new Percentiles(1.0, 4.0, 8.0, 42.0, 120.0), Dropped = 0,
    };

    [Theory]
    [InlineData("p99<50ms", true)]
    [InlineData("p99 < 0.04s", false)]
    [InlineData("p95<=8ms", true)]
    [InlineData("p50<900us", false)]
    [InlineData("max<1s", true)]
    [InlineData("tps>2000", true)]
    [InlineData("tps>=3000", false)]
    [InlineData("errors<0.1%", false)] // 10 of 10,000 attempts = 0.1 %
    [InlineData("errors<=0.1%", true)]
    [InlineData("errors<11", true)]
    [InlineData("dropped==0", true)]
    public void Each_threshold_reads_its_metric_in_its_units(string text, bool passes)
    {
        Assert.True(Threshold.TryParse(text, out var threshold, out var problem), problem);

        Assert.Equal(passes, threshold!.Passes(Result));
    }

    [Theory]
    [InlineData("p99<50", "a latency takes ms, s or us")]
    [InlineData("tps>2000ms", "tps takes a plain number")]
    [InlineData("p99.9<5ms", "is not a threshold")]
    [InlineData("latency<5ms", "is not a threshold")]
    public void A_threshold_that_does_not_read_says_how_to_write_one(string text, string expected)
    {
        Assert.False(Threshold.TryParse(text, out _, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_postgresql_uri_becomes_a_connection_string_named_without_its_password()
    {
        Assert.True(Endpoint.TryParse("postgresql://app:s%40cret@db.internal:6432/shop?sslmode=require&application_name=lt", out var endpoint, out _));

        var builder = new Npgsql.NpgsqlConnectionStringBuilder(endpoint!.ConnectionString);
        Assert.Equal(("db.internal", 6432, "shop", "app", "s@cret", Npgsql.SslMode.Require), (builder.Host, builder.Port, builder.Database, builder.Username, builder.Password, builder.SslMode));
        Assert.Equal("db.internal:6432/shop as app", endpoint.Display);
        Assert.False(Endpoint.TryParse("Hots=db", out _, out var problem));
        Assert.Contains("neither an Npgsql connection string nor a postgresql:// URI", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("2m", 120)]
    [InlineData("500ms", 0.5)]
    [InlineData("45", 45)]
    [InlineData("00:01:00", 60)]
    [InlineData("0s", 0)]
    public void Durations_read_with_their_unit(string text, double seconds) => Assert.Equal(TimeSpan.FromSeconds(seconds), LoadTestCommand.ParseDuration(text));
}
