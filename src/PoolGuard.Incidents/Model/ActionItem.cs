namespace PoolGuard.Incidents.Model;

/// <summary>What an action item does about the cause: prevents it, limits its harm, finds it sooner, or changes how people work.</summary>
public enum ActionKind
{
    Prevent,
    Mitigate,
    Detect,
    Process,
}

public enum ActionStatus
{
    Open,
    Done,
}

/// <summary>A follow-up of the review: what, which kind, who owns it, by when, whether it is done, and its ticket.</summary>
public sealed record ActionItem(string Title, ActionKind Kind)
{
    public string? Owner { get; init; }
    public DateOnly? Due { get; init; }
    public ActionStatus Status { get; init; } = ActionStatus.Open;
    public string? Link { get; init; }
}
