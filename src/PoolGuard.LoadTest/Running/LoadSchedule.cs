namespace PoolGuard.LoadTest.Running;

/// <summary>One stage of a ramp: over <paramref name="Duration"/>, the clients (closed model) or the arrival rate (open) move linearly to <paramref name="Target"/>.</summary>
public sealed record Stage(TimeSpan Duration, double Target);

/// <summary>
/// `--stage DURATION:TARGET`: a piecewise-linear course of the clients or the arrival rate over the run (k6's stages).
/// Each stage ramps from where the one before it ended, the first from <see cref="Initial"/>. For the open model it also
/// says when each arrival is due: the n-th arrival is at the time the rate's integral reaches n, so a ramp's arrivals
/// are exactly as dense as its rate, each with its own intended start.
/// </summary>
public sealed class LoadSchedule
{
    private readonly double[] _starts;   // seconds from the origin at which each stage begins
    private readonly double[] _from;     // the value at each stage's start
    private readonly double[] _arrivals; // the integral up to each stage's start

    /// <summary>Which stage (0-based) runs at <paramref name="seconds"/> from the origin; the last one from its start on.</summary>
    public int StageAt(double seconds)
    {
        var index = Array.FindLastIndex(_starts, start => start <= seconds);
        return Math.Max(0, index);
    }

    public LoadSchedule(double initial, IReadOnlyList<Stage> stages)
    {
        if (stages.Count == 0 || stages.Any(s => s.Duration <= TimeSpan.Zero || s.Target < 0 || double.IsNaN(s.Target)) || initial < 0)
        {
            throw new ArgumentException("a schedule has at least one stage, each longer than zero with a target of zero or more", nameof(stages));
        }
        Initial = initial;
        Stages = stages;
        _starts = new double[stages.Count];
        _from = new double[stages.Count];
        _arrivals = new double[stages.Count + 1];
        var (at, value) = (0.0, initial);
        for (var i = 0; i < stages.Count; i++)
        {
            (_starts[i], _from[i]) = (at, value);
            var seconds = stages[i].Duration.TotalSeconds;
            _arrivals[i + 1] = _arrivals[i] + (value + stages[i].Target) / 2 * seconds;
            at += seconds;
            value = stages[i].Target;
        }
        Duration = TimeSpan.FromSeconds(at);
    }

    /// <summary>The same value for the whole duration: a run without stages.</summary>
    public static LoadSchedule Constant(double value, TimeSpan duration) => new(value, [new Stage(duration, value)]);

    public double Initial { get; }
    public IReadOnlyList<Stage> Stages { get; }
    public TimeSpan Duration { get; }

    /// <summary>The most clients (or the highest rate) the schedule reaches.</summary>
    public double Peak => Math.Max(Initial, Stages.Max(s => s.Target));

    /// <summary>This schedule after a stage that holds the initial value for <paramref name="warmup"/> (the unmeasured warm-up).</summary>
    public LoadSchedule After(TimeSpan warmup) => warmup <= TimeSpan.Zero ? this : new LoadSchedule(Initial, [new Stage(warmup, Initial), .. Stages]);

    /// <summary>The clients or the rate <paramref name="seconds"/> after the origin; before it the initial value, after the end the last target.</summary>
    public double ValueAt(double seconds)
    {
        if (seconds <= 0)
        {
            return Initial;
        }
        var i = Stage(seconds);
        if (i < 0)
        {
            return Stages[^1].Target;
        }
        var length = Stages[i].Duration.TotalSeconds;
        return _from[i] + (Stages[i].Target - _from[i]) * (seconds - _starts[i]) / length;
    }

    /// <summary>Open model: when the <paramref name="n"/>-th arrival (from 0) is due, in seconds from the origin; +∞ when the schedule ends first.</summary>
    public double TimeOfArrival(double n)
    {
        var need = n + 1e-9; // the arrival at the integral's exact value n, not a rounding before it
        for (var i = 0; i < Stages.Count; i++)
        {
            if (_arrivals[i + 1] < need)
            {
                continue;
            }
            var left = need - _arrivals[i];
            var length = Stages[i].Duration.TotalSeconds;
            var (v0, slope) = (_from[i], (Stages[i].Target - _from[i]) / length);
            // v0·x + slope/2·x² = left, for the first x ≥ 0
            var x = Math.Abs(slope) < 1e-12 ? left / v0 : (-v0 + Math.Sqrt(Math.Max(0, v0 * v0 + 2 * slope * left))) / slope;
            return _starts[i] + Math.Clamp(x, 0, length);
        }
        return double.PositiveInfinity;
    }

    private int Stage(double seconds)
    {
        for (var i = 0; i < Stages.Count; i++)
        {
            if (seconds < _starts[i] + Stages[i].Duration.TotalSeconds)
            {
                return i;
            }
        }
        return -1;
    }
}
