using System.Diagnostics;
using System.Globalization;
using System.Text;
using PoolGuard.LoadTest.Results;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PoolGuard.Cli;

/// <summary>
/// What the live view of a load test shows: the stage, the time elapsed against the plan as a bar, the last second
/// (clients or target rate, TPS, p50 / p95 / p99, errors, and in the open model dropped arrivals), throughput over the last minute as a
/// sparkline, and the steps of a knee search or a sweep as they finish.
/// </summary>
internal sealed class LoadProgressView(string title, double plannedSeconds)
{
    private const int History = 60;
    private const int BarWidth = 30; // the whole line fits 80 columns
    private const int StepsShown = 12;
    private static readonly char[] Ticks = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Queue<double> _tps = new();
    private readonly List<string> _steps = [];
    private IntervalResult? _last;
    private long _transactions;
    private long _errors;

    public string Stage { get; set; } = "connecting";

    public bool Finished { get; set; }

    /// <summary>The time the view uses for "elapsed"; a test sets it, the live view reads its own clock.</summary>
    public TimeSpan? Elapsed { get; set; }

    public void Add(IntervalResult point)
    {
        _last = point;
        _transactions += point.Transactions;
        _errors += point.Errors;
        _tps.Enqueue(point.Tps);
        if (_tps.Count > History)
        {
            _tps.Dequeue();
        }
    }

    public void Done(string line)
    {
        _steps.Add(line);
        _last = null; // the next step starts from nothing
    }

    public IRenderable Render()
    {
        var elapsed = (Elapsed ?? _clock.Elapsed).TotalSeconds;
        var rows = new List<IRenderable>
        {
            new Markup($"[bold]poolguard loadtest[/] {Markup.Escape(title)}"),
            new Markup($"[grey]stage[/]    {Markup.Escape(Finished ? "done" : Stage)}"),
            new Markup($"[grey]elapsed[/]  {Bar(elapsed)} {N(elapsed, "0")} s of about {N(plannedSeconds, "0")} s"),
            new Markup($"[grey]so far[/]   {_transactions.ToString("N0", CultureInfo.InvariantCulture)} transactions, {(_errors > 0 ? $"[red]{_errors} error(s)[/]" : "0 errors")}"),
        };
        rows.Add(Last());
        if (_tps.Count > 0)
        {
            rows.Add(new Markup($"[grey]TPS, last {_tps.Count} s[/] [blue]{Sparkline(_tps)}[/] [grey]peak {N(_tps.Max(), "0.0")}[/]"));
        }
        if (_steps.Count > 0)
        {
            rows.Add(new Text(string.Join('\n', _steps.TakeLast(StepsShown))));
        }
        return new Rows(rows);
    }

    private Table Last()
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[grey]last second[/]");
        var open = _last?.TargetRate is not null;
        table.AddColumns(open ? "target /s" : "clients", "TPS", "p50 ms", "p95 ms", "p99 ms", "errors");
        if (open)
        {
            table.AddColumn("dropped"); // arrivals that found every client busy: the open model's only
        }
        foreach (var column in table.Columns)
        {
            column.RightAligned();
        }
        if (_last is { } p)
        {
            var errors = p.Errors > 0 ? $"[red]{p.Errors}[/]" : "0";
            List<string> cells = [open ? N(p.TargetRate!.Value, "0.#") : p.Clients.ToString(CultureInfo.InvariantCulture), N(p.Tps, "0.0"), N(p.Latency.P50, "0.000"),
                N(p.Latency.P95, "0.000"), N(p.Latency.P99, "0.000"), errors];
            if (open)
            {
                cells.Add(p.Dropped > 0 ? $"[yellow]{p.Dropped}[/]" : "0");
            }
            table.AddRow([.. cells]);
        }
        else
        {
            table.AddRow([.. table.Columns.Select(_ => "–")]);
        }
        return table;
    }

    /// <summary>Elapsed against the plan: ━ done, ─ to go; full when the plan was too short (a knee search stopping late, a slow start).</summary>
    private static string Bar(double elapsed, double planned) =>
        planned <= 0 ? "" : string.Concat("[green]", new string('━', (int)Math.Round(BarWidth * Math.Clamp(elapsed / planned, 0, 1))), "[/][grey]",
            new string('─', BarWidth - (int)Math.Round(BarWidth * Math.Clamp(elapsed / planned, 0, 1))), "[/]");

    private string Bar(double elapsed) => Bar(elapsed, Finished ? elapsed : plannedSeconds);

    /// <summary>Each second's TPS as one of eight heights, scaled to the highest of the window (zero is the lowest tick).</summary>
    internal static string Sparkline(IEnumerable<double> values)
    {
        var all = values.ToList();
        var top = all.Count == 0 ? 0 : all.Max();
        var text = new StringBuilder(all.Count);
        foreach (var value in all)
        {
            text.Append(top <= 0 ? Ticks[0] : Ticks[(int)Math.Round((Ticks.Length - 1) * Math.Clamp(value / top, 0, 1))]);
        }
        return text.ToString();
    }

    private static string N(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
