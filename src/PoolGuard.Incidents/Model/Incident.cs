namespace PoolGuard.Incidents.Model;

/// <summary>Where a review stands: drafted (from telemetry or an import), in review, reviewed, closed.</summary>
public enum IncidentStatus
{
    Draft,
    InReview,
    Reviewed,
    Closed,
}

/// <summary>Who was hurt and how long: the text as written, the share of users when known, the duration when known.</summary>
public sealed record Impact(string Text)
{
    /// <summary>0–1.</summary>
    public double? UsersShare { get; init; }
    public TimeSpan? Duration { get; init; }
}

/// <summary>The review's lessons, in the three lists the Google SRE template keeps.</summary>
public sealed record Lessons(IReadOnlyList<string> WentWell, IReadOnlyList<string> WentWrong, IReadOnlyList<string> Lucky)
{
    public static readonly Lessons None = new([], [], []);
}

/// <summary>
/// A postmortem record. Times are UTC; <see cref="TimeZone"/> (an IANA name) is how the incident's times are shown,
/// as the responders lived them. The timeline is kept in time order; the paths are the hypotheses it followed.
/// </summary>
public sealed record Incident(string Id, string Title)
{
    public string Severity { get; init; } = "SEV2";
    public IncidentStatus Status { get; init; } = IncidentStatus.Draft;
    public string TimeZone { get; init; } = "UTC";
    public Impact? Impact { get; init; }
    public string? Summary { get; init; }
    public string? RootCause { get; init; }
    public IReadOnlyList<string> ContributingFactors { get; init; } = [];
    public string? Resolution { get; init; }
    public Lessons Lessons { get; init; } = Lessons.None;
    public IReadOnlyList<ActionItem> ActionItems { get; init; } = [];
    public IReadOnlyList<TimelineEntry> Timeline { get; init; } = [];
    public IReadOnlyList<InvestigationPath> Paths { get; init; } = [];
}
