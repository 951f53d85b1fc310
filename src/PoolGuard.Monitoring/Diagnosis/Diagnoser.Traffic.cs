using static PoolGuard.Monitoring.Diagnosis.DiagnosisFacts;

namespace PoolGuard.Monitoring.Diagnosis;

public static partial class Diagnoser
{
    private const string NoGateway = "the gateway was not read: give --gateway URL";

    /// <summary>A rate of new connections this high is a storm whatever the baseline; below it, only a jump over the baseline is.</summary>
    private const double StormConnectionsPerSecond = 50;

    /// <summary>Pool saturation: clients queued inside the gateway for a server, and whether the database could take more.</summary>
    private static Finding PoolSaturation(DiagnosisFacts facts)
    {
        const string Title = "pool saturation behind the gateway";
        if (!facts.HasGateway)
        {
            return new Finding(Cause.PoolSaturation, Title, FindingStatus.NoData, Health.Degraded, 0, facts.Evidence.GatewayError ?? NoGateway, []);
        }
        var observations = facts.Evidence.Gateway;
        var pools = observations.SelectMany(o => o.Pools).GroupBy(p => $"{p.Database}/{p.User}", StringComparer.Ordinal)
            .Select(g => (Name: g.Key, PeakWaiting: g.Max(p => p.ClientsWaiting), MaxWait: g.Max(p => p.MaxWaitSeconds),
                Waited: g.Count(p => p.ClientsWaiting > 0), Last: g.Last()))
            .OrderByDescending(p => p.PeakWaiting).ThenByDescending(p => p.MaxWait).ToList();
        var timeouts = facts.Evidence.Events.Count(e => e.Kind == "wait_timeout");
        var evidence = new List<string>();
        if (pools.Count == 0)
        {
            return new Finding(Cause.PoolSaturation, Title, FindingStatus.RuledOut, Health.Degraded, 0, "no pool is open", evidence);
        }
        foreach (var pool in pools.Where(p => p.PeakWaiting > 0).Take(3))
        {
            evidence.Add($"pool {pool.Name}: up to {pool.PeakWaiting} client(s) waiting (in {pool.Waited} of {observations.Count} observations), longest wait {Seconds(pool.MaxWait)}, {pool.Last.ServersActive} of {pool.Last.PoolSize} servers active");
        }
        if (timeouts > 0)
        {
            evidence.Add($"{timeouts} clients gave up waiting (query_wait_timeout) in the last minute");
        }
        var worst = pools[0];
        if (facts.LatestUp.OrderBy(s => s.Headroom).FirstOrDefault() is { } database)
        {
            evidence.Add(database.Headroom > 1
                ? $"database {database.Database} has headroom {database.Headroom}: the pool's size, not PostgreSQL, is the limit"
                : $"database {database.Database} has no headroom: a larger pool would not get more connections");
        }
        if (worst.PeakWaiting == 0 && timeouts == 0)
        {
            var busiest = pools.MaxBy(p => p.Last.PoolSize == 0 ? 0 : (double)p.Last.ServersActive / p.Last.PoolSize);
            return new Finding(Cause.PoolSaturation, Title, FindingStatus.RuledOut, Health.Degraded, 0,
                $"no client waited for a server; busiest pool {busiest.Name} with {busiest.Last.ServersActive} of {busiest.Last.PoolSize} servers active", evidence);
        }
        var summary = $"pool {worst.Name} is full: up to {worst.PeakWaiting} client(s) waiting, the longest {Seconds(worst.MaxWait)}";
        var steady = worst.Waited * 2 >= observations.Count && worst.MaxWait >= 1;
        return steady || timeouts > 0
            ? new Finding(Cause.PoolSaturation, Title, FindingStatus.Confirmed, timeouts > 0 ? Health.Failing : Health.Degraded, 35 + worst.MaxWait, summary, evidence)
            : new Finding(Cause.PoolSaturation, Title, FindingStatus.Possible, Health.Degraded, 15 + worst.MaxWait, summary, evidence);
    }

    /// <summary>
    /// Traffic surge: more clients than the gateway admits (refusals at max_client_conn, or clients near it), or a
    /// storm of new connections — at the gateway, and at PostgreSQL against its own baseline.
    /// </summary>
    private static Finding Surge(DiagnosisFacts facts)
    {
        const string Title = "traffic surge";
        if (!facts.HasGateway && !facts.HasDatabase)
        {
            return new Finding(Cause.TrafficSurge, Title, FindingStatus.NoData, Health.Degraded, 0, NoGateway, []);
        }
        var evidence = new List<string>();
        var parts = new List<string>();
        var refused = facts.Evidence.Events.Where(e => e.Kind is "client_refused" or "refusals_ended")
            .Where(e => e.Numbers.ContainsKey("max_client_conn") || e.Numbers.ContainsKey("refused_max_client_conn") || e.Pool is null).ToList();
        var refusedCount = refused.Sum(e => e.Numbers.GetValueOrDefault("refused_max_client_conn", e.Kind == "client_refused" ? 1 : 0));
        double connectRate = 0;
        var nearCap = false;
        if (facts.First is { } first && facts.Last is { } last)
        {
            connectRate = facts.GatewaySeconds > 0 ? (last.ClientConnectsTotal - first.ClientConnectsTotal) / facts.GatewaySeconds : 0;
            var peak = facts.Evidence.Gateway.Max(o => o.ClientConnections);
            nearCap = last.MaxClientConnections > 0 && peak >= 0.9 * last.MaxClientConnections;
            evidence.Add($"gateway: {Number(connectRate)} new client connections per second; up to {peak} of max_client_conn {last.MaxClientConnections} open");
            parts.Add($"{Number(connectRate)} new client connections/s at the gateway, {peak} of {last.MaxClientConnections} allowed");
            if (last.TransactionsTotal >= first.TransactionsTotal && facts.GatewaySeconds > 0)
            {
                evidence.Add($"gateway: {Number((last.TransactionsTotal - first.TransactionsTotal) / facts.GatewaySeconds)} transactions per second");
            }
        }
        if (refused.Count > 0)
        {
            evidence.Add($"the gateway refused clients at max_client_conn ({refused[0].Detail})");
        }
        var databaseRate = SessionRate(facts.Samples);
        var baselineRate = SessionRate(facts.Evidence.Baseline);
        if (databaseRate is { } rate)
        {
            var against = baselineRate is { } normal ? $", against {Number(normal)} per second before" : "";
            evidence.Add($"PostgreSQL: {Number(rate)} new sessions per second{against}");
            parts.Add($"{Number(rate)} new PostgreSQL sessions/s{(baselineRate is { } b ? $" (baseline {Number(b)})" : "")}");
        }

        if (parts.Count == 0)
        {
            return new Finding(Cause.TrafficSurge, Title, FindingStatus.NoData, Health.Degraded, 0,
                facts.Evidence.GatewayError ?? "nothing that counts connections was read (the gateway not given, no two samples of the database)", evidence);
        }
        if (refused.Count > 0 || nearCap)
        {
            var summary = refused.Count > 0
                ? $"more clients than max_client_conn: the gateway refused {Math.Max(refusedCount, 1)} in the last minute"
                : "clients near max_client_conn";
            return new Finding(Cause.TrafficSurge, Title, FindingStatus.Confirmed, refused.Count > 0 ? Health.Failing : Health.Degraded, 50 + refusedCount / 100.0, summary, evidence);
        }
        var storm = connectRate >= StormConnectionsPerSecond || databaseRate >= StormConnectionsPerSecond
            || (databaseRate is { } r && baselineRate is { } n && r >= 10 && r >= 5 * Math.Max(n, 1));
        return storm
            ? new Finding(Cause.TrafficSurge, Title, FindingStatus.Possible, Health.Degraded, 25, "a storm of new connections: " + string.Join("; ", parts), evidence)
            : new Finding(Cause.TrafficSurge, Title, FindingStatus.RuledOut, Health.Degraded, 0, string.Join("; ", parts) + "; no refusals", evidence);
    }
}
