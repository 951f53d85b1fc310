using System.CommandLine;
using System.Globalization;
using System.Text;
using PoolGuard.LoadTest.History;

namespace PoolGuard.Cli;

/// <summary>
/// `poolguard loadtest history [--store FILE] [--last N]` and `poolguard loadtest compare [RUN] [--baseline RUN|LABEL]
/// [--margin 10] [--store FILE]`: the runs kept, and a run against its baseline. compare exits 1 on a regression beyond the
/// margin, 2 when there is nothing to compare — so the quarterly load test is one CI command.
/// </summary>
internal static class LoadTestHistoryCommands
{
    public static Option<string?> StoreOption() => new("--store") { Description = $"the SQLite file runs are kept in (default {RunHistory.DefaultFile()})" };

    public static Command History()
    {
        var store = StoreOption();
        var last = new Option<int>("--last") { Description = "how many of the newest runs", DefaultValueFactory = _ => 20 };
        var command = new Command("history", "List the load tests kept, newest first") { store, last };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var history = new RunHistory(parse.GetValue(store) ?? RunHistory.DefaultFile());
            var runs = await history.ListAsync(cancellationToken).ConfigureAwait(false);
            if (runs.Count == 0)
            {
                Console.Error.WriteLine($"poolguard loadtest history: no runs in {history.File}");
                return ExitCodes.Ok;
            }
            var text = new StringBuilder("   id  started (UTC)         workload          endpoint                              load          tps     p99 ms  errors  label\n");
            foreach (var run in runs.Take(Math.Max(1, parse.GetValue(last))))
            {
                var load = run.Rate is { } rate ? $"{rate:0.#}/s" : $"{run.Clients} clients";
                text.Append(CultureInfo.InvariantCulture,
                    $"{run.Id,5}  {run.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {Cut(run.Workload, 16),-16}  {Cut(run.Endpoint, 36),-36}  {load,-10} {run.Tps,9:0.0} {run.P99,10:0.000} {run.Errors,7}  {run.Label}\n");
            }
            Console.Out.Write(text.ToString());
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Compare()
    {
        var store = StoreOption();
        var run = new Argument<string?>("RUN") { Description = "the run to judge, by id (default: the newest)", Arity = ArgumentArity.ZeroOrOne };
        var baseline = new Option<string?>("--baseline") { Description = "compare with this run id or label (default: the previous run of the same workload, endpoint and load)" };
        var margin = new Option<double>("--margin") { Description = "percent of change allowed before it is a regression", DefaultValueFactory = _ => 10 };
        var command = new Command("compare", "Compare a load test with its baseline; exit 1 on a regression beyond the margin") { run, store, baseline, margin };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var history = new RunHistory(parse.GetValue(store) ?? RunHistory.DefaultFile());
            var runs = await history.ListAsync(cancellationToken).ConfigureAwait(false);
            var chosen = parse.GetValue(run) is { } id ? runs.FirstOrDefault(r => r.Id.ToString(CultureInfo.InvariantCulture) == id) : runs.FirstOrDefault();
            if (chosen is null)
            {
                Console.Error.WriteLine($"poolguard loadtest compare: {(parse.GetValue(run) is { } missing ? $"no run {missing}" : "no runs")} in {history.File}");
                return ExitCodes.InvalidConfig;
            }
            if (RunComparison.BaselineFor(chosen, runs, parse.GetValue(baseline)) is not { } against)
            {
                Console.Error.WriteLine($"poolguard loadtest compare: run {chosen.Id} has no baseline ({(parse.GetValue(baseline) is { } b ? $"no run or label '{b}'" : "no earlier run of the same workload, endpoint and load")})");
                return ExitCodes.InvalidConfig;
            }
            var comparison = new RunComparison(chosen, against, parse.GetValue(margin));
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"run {chosen.Id} ({chosen.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm}) against run {against.Id} ({against.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm}{(against.Label is { } l ? $", {l}" : "")}): {chosen.Workload} on {chosen.Endpoint}\n");
            text.Append(CultureInfo.InvariantCulture, $"  tps         {against.Tps,10:0.0} → {chosen.Tps,10:0.0}  {comparison.TpsChange,7:+0.0;-0.0} %\n");
            text.Append(CultureInfo.InvariantCulture, $"  p99 ms      {against.P99,10:0.000} → {chosen.P99,10:0.000}  {comparison.P99Change,7:+0.0;-0.0} %\n");
            text.Append(CultureInfo.InvariantCulture, $"  error rate  {against.ErrorRate,9:0.###}% → {chosen.ErrorRate,9:0.###}%\n");
            var regressions = comparison.Regressions;
            text.Append(regressions.Count == 0
                ? string.Create(CultureInfo.InvariantCulture, $"no regression beyond {comparison.MarginPercent} %\n")
                : string.Create(CultureInfo.InvariantCulture, $"REGRESSION beyond {comparison.MarginPercent} %: {string.Join("; ", regressions)}\n"));
            Console.Out.Write(text.ToString());
            return regressions.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static string Cut(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
