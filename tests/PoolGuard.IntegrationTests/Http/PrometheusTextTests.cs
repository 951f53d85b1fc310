using PoolGuard.Http;

namespace PoolGuard.IntegrationTests.Http;

/// <summary>The text format writer alone (no PostgreSQL needed).</summary>
public sealed class PrometheusTextTests
{
    [Fact]
    public void Label_values_escape_backslash_quote_and_newline_as_the_format_requires()
    {
        var text = new PrometheusText();
        text.Family("m", "gauge", "help with \\ and\nnewline");
        text.Sample("m", 1, ("database", "a\\b\"c\nd"));

        Assert.Equal("# HELP m help with \\\\ and\\nnewline\n# TYPE m gauge\nm{database=\"a\\\\b\\\"c\\nd\"} 1\n", text.ToString());
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(0.5, "0.5")]
    [InlineData(1e-6, "1E-06")]
    public void Numbers_use_prometheus_spellings_and_the_invariant_culture(double value, string expected) =>
        Assert.Equal(expected, PrometheusText.Number(value));
}
