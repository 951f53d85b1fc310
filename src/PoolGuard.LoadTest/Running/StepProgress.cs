using PoolGuard.LoadTest.Results;

namespace PoolGuard.LoadTest.Running;

/// <summary>What a search over steps tells as it goes: a step starts (its clients or pool size), a second of it, a step ends.</summary>
public sealed record StepProgress<TStep>(Action<int>? Starting, Action<IntervalResult>? Interval, Action<TStep>? Done);
