using PoolGuard.Cli;
using PoolGuard.LoadTest.Results;
using Spectre.Console.Testing;

namespace PoolGuard.Tests.Cli;

/// <summary>The live view of a load test as a terminal shows it (Spectre's test console, interactive, ANSI).</summary>
public sealed class LoadProgressTests
{
    [Fact]
    public async Task The_live_view_shows_the_stage_the_last_second_the_throughput_and_the_finished_steps()
    {
        var console = new TestConsole().Interactive().SupportsAnsi(true).Width(100);
        await using (var progress = LoadProgress.Create(quiet: false, "select-only on 127.0.0.1:5432/app as app", 12, perSecondLines: true, console))
        {
            progress.Stage("default_pool_size = 4, size 3 of 5, 16 client(s)");
            progress.Point(Point(1, 1200, errors: 0));
            progress.Point(Point(2, 2400, errors: 3));
            progress.StepDone("  pool    4     2400.0 tps");
        }

        var output = console.Output;
        Assert.Contains("poolguard loadtest", output, StringComparison.Ordinal);
        Assert.Contains("select-only on 127.0.0.1:5432/app as app", output, StringComparison.Ordinal);
        Assert.Contains("default_pool_size = 4, size 3 of 5", output, StringComparison.Ordinal);
        Assert.Contains("2400.0", output, StringComparison.Ordinal);  // the last second's TPS
        Assert.Contains("12.500", output, StringComparison.Ordinal);  // its p99
        Assert.Contains("3,600 transactions", output, StringComparison.Ordinal);
        Assert.Contains("3 error(s)", output, StringComparison.Ordinal);
        Assert.Contains("▅█", output, StringComparison.Ordinal);       // 1,200 then 2,400 TPS
        Assert.Contains("pool    4     2400.0 tps", output, StringComparison.Ordinal);
        Assert.Contains("done", output, StringComparison.Ordinal);    // the last frame, once disposed
    }

    [Fact]
    public async Task Quiet_shows_nothing_even_on_a_terminal()
    {
        var console = new TestConsole().Interactive().SupportsAnsi(true);
        await using (var progress = LoadProgress.Create(quiet: true, "select-only", 10, perSecondLines: true, console))
        {
            progress.Point(Point(1, 100, 0));
        }
        Assert.Equal("", console.Output);
    }

    [Fact]
    public void The_sparkline_scales_each_second_to_the_highest_of_the_window()
    {
        Assert.Equal("▁▅█", LoadProgressView.Sparkline([0, 50, 100]));
        Assert.Equal("▁▁", LoadProgressView.Sparkline([0, 0]));
        Assert.Equal("", LoadProgressView.Sparkline([]));
    }

    private static IntervalResult Point(double at, long transactions, long errors) =>
        new(at, transactions, transactions, new Percentiles(1.25, 5, 7.5, 12.5, 30), errors, 16, 0);
}
