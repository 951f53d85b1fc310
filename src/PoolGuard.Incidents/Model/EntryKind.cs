namespace PoolGuard.Incidents.Model;

/// <summary>What a timeline entry records; the analysis reads its milestones from the first entry of each kind.</summary>
public enum EntryKind
{
    ImpactStart,
    Detection,
    Alert,
    Acknowledgement,
    Investigation,
    Escalation,
    Hypothesis,
    Mitigation,
    Resolution,
    Note,
}
