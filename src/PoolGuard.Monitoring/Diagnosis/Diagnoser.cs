namespace PoolGuard.Monitoring.Diagnosis;

/// <summary>
/// Evidence in, verdict out, nothing else (no I/O, no clock): every candidate cause of "the database is slow /
/// refusing" is judged on the numbers — connection exhaustion, pool saturation, slow queries, lock contention,
/// idle-in-transaction leaks, a traffic surge, an unreachable database — and each says what supports it or rules
/// it out, so a responder sees at once what it is and what it is not. Confirmed causes come first, by weight.
/// </summary>
public static partial class Diagnoser
{
    public static DiagnosisReport Diagnose(DiagnosisEvidence evidence, IReadOnlyList<string> sources)
    {
        var facts = new DiagnosisFacts(evidence);
        var findings = new[]
        {
            Exhaustion(facts), PoolSaturation(facts), SlowQueries(facts), Locks(facts), IdleTransactions(facts), Surge(facts), Unreachable(facts),
        }
        .OrderBy(f => f.Status).ThenByDescending(f => f.Score).ToList();

        var health = Health.Healthy;
        foreach (var finding in findings)
        {
            var impact = finding.Status switch
            {
                FindingStatus.Confirmed => finding.Impact,
                FindingStatus.Possible => Health.Degraded,
                _ => Health.Healthy,
            };
            health = impact > health ? impact : health;
        }
        if (findings.All(f => f.Status == FindingStatus.NoData) || (!facts.HasDatabase && !facts.HasGateway))
        {
            health = Health.Unknown;
        }

        var top = findings[0];
        var verdict = health switch
        {
            Health.Unknown => "cannot tell: " + (evidence.GatewayError ?? "neither the gateway nor the database could be read"),
            Health.Healthy => "healthy: no cause of trouble found",
            _ => $"{top.Title}: {top.Summary}",
        };
        return new DiagnosisReport(health, verdict, evidence.From, evidence.To, findings, sources);
    }
}
