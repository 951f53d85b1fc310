namespace PoolGuard.LoadTest.Results;

/// <summary>A threshold as written, what the run measured for it, and whether it held.</summary>
public sealed record ThresholdVerdict(string Threshold, double Measured, bool Passed);
