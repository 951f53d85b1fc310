using PoolGuard.Config.Alerts;

namespace PoolGuard.Tests.Config;

/// <summary>The PromQL subset of alert conditions, and the annotation templates: read, written back, rendered.</summary>
public sealed class AlertExpressionTests
{
    private static AlertExpression Parse(string text)
    {
        Assert.True(AlertExpression.TryParse(text, out var expression, out var error), error);
        return expression!;
    }

    [Fact]
    public void A_selector_with_matchers_and_a_comparison_reads_and_writes_back_as_the_same_PromQL()
    {
        var expression = Parse("  poolguard_db_connections{ database = \"app\", user!=\"watch\\\"er\" }>=0.8 ");

        Assert.Equal("poolguard_db_connections", expression.Metric);
        Assert.Equal([new LabelMatcher("database", "app", true), new LabelMatcher("user", "watch\"er", false)], expression.Matchers);
        Assert.Equal((AlertComparison.AtLeast, 0.8), (expression.Comparison, expression.Threshold));
        Assert.Null(expression.IncreaseWindow);
        Assert.Equal("poolguard_db_connections{database=\"app\",user!=\"watch\\\"er\"} >= 0.8", expression.ToPromQl());
        Assert.Equal(expression.ToPromQl(), Parse(expression.ToPromQl()).ToPromQl());
    }

    [Fact]
    public void Increase_takes_a_window_and_writes_it_in_Prometheus_units()
    {
        var expression = Parse("increase(poolguard_client_refusals_total[90s]) > 0");

        Assert.Equal(TimeSpan.FromSeconds(90), expression.IncreaseWindow);
        Assert.Equal("increase(poolguard_client_refusals_total[90s]) > 0", expression.ToPromQl());
        Assert.Equal("increase(x[1m]) > 0", Parse("increase(x[60s]) > 0").ToPromQl());
    }

    [Theory]
    [InlineData(">", 5, 5, false)]
    [InlineData(">=", 5, 5, true)]
    [InlineData("<", 4, 5, true)]
    [InlineData("<=", 6, 5, false)]
    [InlineData("==", 0, 0, true)]
    [InlineData("!=", 0, 0, false)]
    public void Each_comparison_holds_as_PromQL_reads_it(string op, double value, double threshold, bool holds)
    {
        var text = $"m {op} {threshold.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

        Assert.Equal(holds, Parse(text).Holds(value));
    }

    [Theory]
    [InlineData("", "expected a metric name at the end")]
    [InlineData("m > ", "expected a number after the comparison at the end")]
    [InlineData("m 5", "expected a comparison")]
    [InlineData("m > 5 and n > 3", "expected the end after the threshold at position 7")]
    [InlineData("rate(m[1m]) > 5", "expected a comparison (>, >=, <, <=, ==, !=) at position 5")]
    public void A_wrong_expression_says_where_it_stopped(string text, string reason)
    {
        Assert.False(AlertExpression.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_renders_labels_the_value_its_functions_and_the_top_series()
    {
        var labels = new Dictionary<string, string> { ["database"] = "app" };
        string? Top(string metric, string label) => metric == "poolguard_db_connections_by_application" && label == "application" ? "leaky-api" : null;

        Assert.Equal("app at 83.3333% (leaky-api), 0.8333, ",
            AlertTemplate.Render("{{ $labels.database }} at {{ $value | humanizePercentage }} ({{ top \"poolguard_db_connections_by_application\" \"application\" }}), " +
                "{{$value}}, {{ $labels.nothing }}", labels, 0.833333, Top));
        Assert.Equal("2m 5s", AlertTemplate.Render("{{ $value | humanizeDuration }}", labels, 125, Top));
        Assert.Equal("1.5k", AlertTemplate.Render("{{ $value | humanize }}", labels, 1500, Top));
        Assert.Equal("unknown", AlertTemplate.Render("{{ top \"m\" \"l\" }}", labels, 1, Top));
    }

    [Fact]
    public void For_Prometheus_top_becomes_a_query_on_the_alerts_database()
    {
        var exported = AlertTemplate.ToPrometheus("held by {{ top \"poolguard_db_connections_by_application\" \"application\" }} on {{ $labels.database }}");

        Assert.Equal("held by {{ with printf \"topk(1, poolguard_db_connections_by_application{database=%q})\" $labels.database | query }}" +
            "{{ . | first | label \"application\" }}{{ else }}unknown{{ end }} on {{ $labels.database }}", exported);
    }

    [Theory]
    [InlineData("{{ $value", "a {{ without its }}")]
    [InlineData("{{ $labels.database | upper }}", "unknown function upper")]
    [InlineData("{{ printf \"%s\" $value }}", "cannot read")]
    public void A_template_problem_is_named(string template, string problem)
    {
        Assert.Contains(problem, AlertTemplate.Problem(template), StringComparison.Ordinal);
    }
}
