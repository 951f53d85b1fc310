namespace PoolGuard.Checks.Findings;

/// <summary>The stable rule ids: CI configurations and SARIF baselines refer to them, so one is never reused.</summary>
public static class RuleIds
{
    /// <summary>A file or a connection string could not be read; what it declares was not checked.</summary>
    public const string Unreadable = "PG000";

    public const string PoolingUnbounded = "PG001";
    public const string NoExplicitMaximum = "PG002";
    public const string FleetDemandExceedsCapacity = "PG003";
    public const string GatewayCapsExceedCapacity = "PG004";
    public const string MinimumPoolsStarveOthers = "PG005";
    public const string WaitTimeout = "PG006";
    public const string AutoscalingBreaksBudget = "PG007";
}
