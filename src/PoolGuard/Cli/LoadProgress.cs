using PoolGuard.LoadTest.Results;
using Spectre.Console;

namespace PoolGuard.Cli;

/// <summary>
/// Where a load test tells how it is going while it runs. On a terminal, a live view drawn in place by
/// Spectre.Console (<see cref="LoadProgressView"/>); redirected (CI logs, a pipe), one plain line per second or per
/// step, which a log keeps readably; with --quiet, nothing. Dispose it before writing anything else to the terminal:
/// the live view owns it until then.
/// </summary>
internal abstract class LoadProgress : IAsyncDisposable
{
    /// <param name="title">the workload and the endpoint, shown at the head of the live view.</param>
    /// <param name="plannedSeconds">how long the whole run should take (warm-ups and every step), for the elapsed bar.</param>
    /// <param name="perSecondLines">redirected: a line per second (a single run) or only per step (a knee search, a sweep).</param>
    /// <param name="console">the terminal to draw on (a test's); null: stderr, when it is a terminal.</param>
    public static LoadProgress Create(bool quiet, string title, double plannedSeconds, bool perSecondLines, IAnsiConsole? console = null)
    {
        if (quiet)
        {
            return new Silent();
        }
        console ??= Console.IsErrorRedirected ? null : AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console is { Profile.Capabilities: { Interactive: true, Ansi: true } }
            ? new Live(console, new LoadProgressView(title, plannedSeconds))
            : new Lines(perSecondLines);
    }

    /// <summary>What the run is doing now: "pool size 4 (3 of 5)", "4 clients (step 3 of 5)".</summary>
    public abstract void Stage(string stage);

    /// <summary>One second of load.</summary>
    public abstract void Point(IntervalResult point);

    /// <summary>A knee search's or a sweep's step has ended: its line.</summary>
    public abstract void StepDone(string line);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class Silent : LoadProgress
    {
        public override void Stage(string stage) { }

        public override void Point(IntervalResult point) { }

        public override void StepDone(string line) { }
    }

    /// <summary>Plain lines: a single run's per-second line already says its clients or rate, so its stage is not repeated; a search's step is announced.</summary>
    private sealed class Lines(bool perSecond) : LoadProgress
    {
        public override void Stage(string stage)
        {
            if (!perSecond)
            {
                Console.Error.WriteLine($"poolguard loadtest: {stage}");
            }
        }

        public override void Point(IntervalResult point)
        {
            if (perSecond)
            {
                Console.Error.WriteLine(LoadTestText.Point(point));
            }
        }

        public override void StepDone(string line) => Console.Error.WriteLine(line);
    }

    /// <summary>
    /// The live view: Spectre's live display runs on a task of its own until disposed; each update redraws it in
    /// place. Updates come from the runner's interval loop, one a second, each under a lock of its own (Spectre locks its redraw).
    /// </summary>
    private sealed class Live : LoadProgress
    {
        private readonly LoadProgressView _view;
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<LiveDisplayContext> _context = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Task _display;
        private readonly Lock _gate = new();

        public Live(IAnsiConsole console, LoadProgressView view)
        {
            _view = view;
            _display = console.Live(view.Render()).AutoClear(false).Overflow(VerticalOverflow.Ellipsis).StartAsync(async context =>
            {
                _context.TrySetResult(context);
                await _done.Task.ConfigureAwait(false);
            });
        }

        public override void Stage(string stage) => Update(() => _view.Stage = stage);

        public override void Point(IntervalResult point) => Update(() => _view.Add(point));

        public override void StepDone(string line) => Update(() => _view.Done(line));

        private void Update(Action change)
        {
            lock (_gate)
            {
                change();
                if (_context.Task.IsCompletedSuccessfully)
                {
                    _context.Task.Result.UpdateTarget(_view.Render());
                }
            }
        }

        public override async ValueTask DisposeAsync()
        {
            Update(() => _view.Finished = true);
            _done.TrySetResult();
            await _display.ConfigureAwait(false);
        }
    }
}
