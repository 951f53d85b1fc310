namespace PoolGuard.Incidents.Model;

/// <summary>How an investigation path ended: still open, confirmed as the cause, or ruled out.</summary>
public enum PathOutcome
{
    Open,
    Confirmed,
    RuledOut,
}

/// <summary>
/// A hypothesis the responders followed ("suspected DDoS"): when it was opened and closed, how it ended, and what
/// ruled it out. A path ruled out is a misleading path; the analysis measures the time spent on it.
/// </summary>
public sealed record InvestigationPath(string Id, string Hypothesis, DateTimeOffset OpenedAt)
{
    public DateTimeOffset? ClosedAt { get; init; }
    public PathOutcome Outcome { get; init; } = PathOutcome.Open;

    /// <summary>What ruled it out (or confirmed it): the evidence, in the responders' words.</summary>
    public string? ClosedBecause { get; init; }

    public bool Misleading => Outcome == PathOutcome.RuledOut;
}
