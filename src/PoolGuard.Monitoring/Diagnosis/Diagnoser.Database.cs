using PoolGuard.Monitoring.Watcher;
using static PoolGuard.Monitoring.Diagnosis.DiagnosisFacts;

namespace PoolGuard.Monitoring.Diagnosis;

public static partial class Diagnoser
{
    private const string NoDatabase = "no database sample: give --database, or set watch_user so the gateway's watcher samples it";

    /// <summary>Why a check that needs an answering database has none.</summary>
    private static string NoSample(DiagnosisFacts facts) => facts.HasDatabase ? "no sample reached the database" : NoDatabase;

    /// <summary>Connection exhaustion: PostgreSQL out of (or close to out of) slots, and who holds them.</summary>
    private static Finding Exhaustion(DiagnosisFacts facts)
    {
        const string Title = "connection exhaustion";
        if (!facts.HasDatabase)
        {
            return new Finding(Cause.ConnectionExhaustion, Title, FindingStatus.NoData, Health.Failing, 0, NoDatabase, []);
        }
        var refusedDown = facts.Samples.Where(s => s.State == SampleState.Down && IsOutOfSlots(s.Error)).ToList();
        var refusedGateway = facts.Evidence.Events.Where(e => e.Kind == "server_login_failed" && IsOutOfSlots(e.Detail)).ToList();
        var now = facts.LatestUp.OrderBy(s => s.Headroom).FirstOrDefault();
        var peak = facts.Up.OrderBy(s => s.Headroom).FirstOrDefault();
        var evidence = new List<string>();
        if (now is not null)
        {
            evidence.Add($"database {now.Database}: {now.Connections} of {now.UsableConnections} usable connections open (max_connections {now.MaxConnections} − {now.SuperuserReservedConnections} reserved), headroom {now.Headroom}");
            if (peak is not null && peak.Connections > now.Connections)
            {
                evidence.Add($"peak in the window: {peak.Connections} open, headroom {peak.Headroom}");
            }
            evidence.AddRange(Holders(peak ?? now));
        }
        foreach (var refused in refusedDown.Take(1))
        {
            evidence.Add($"PostgreSQL refused the watcher's connection to {refused.Database}: {refused.Error}");
        }
        foreach (var refused in refusedGateway.Take(1))
        {
            evidence.Add($"PostgreSQL refused the gateway's server login for {refused.Pool}: {refused.Detail}");
        }

        var worst = peak ?? now;
        var top = worst?.ByApplication.FirstOrDefault(a => a.Key != DatabaseSampler.ApplicationName);
        var who = top is { } holder && worst!.Connections > 0
            ? $"; '{(holder.Key.Length > 0 ? holder.Key : "(no application_name)")}' holds {holder.Connections} ({Percent((double)holder.Connections / worst.Connections)})"
            : "";
        if (refusedDown.Count > 0 || refusedGateway.Count > 0 || (now is not null && now.Headroom <= 1))
        {
            var state = worst is null ? "PostgreSQL refuses new connections (53300)" : $"database {worst.Database} is out of connections: {worst.Connections} of {worst.UsableConnections} usable open";
            return new Finding(Cause.ConnectionExhaustion, Title, FindingStatus.Confirmed, Health.Failing, 100 + (worst?.Utilisation ?? 1), state + who, evidence);
        }
        if (now is null)
        {
            return new Finding(Cause.ConnectionExhaustion, Title, FindingStatus.NoData, Health.Failing, 0, "no sample reached the database", evidence);
        }
        if (now.Utilisation >= 0.8)
        {
            return new Finding(Cause.ConnectionExhaustion, Title, FindingStatus.Possible, Health.Degraded, 50 + now.Utilisation,
                $"database {now.Database} has {Percent(now.Utilisation)} of its usable connections open (headroom {now.Headroom}){who}", evidence);
        }
        return new Finding(Cause.ConnectionExhaustion, Title, FindingStatus.RuledOut, Health.Failing, now.Utilisation,
            $"{now.Connections} of {now.UsableConnections} usable connections open ({Percent(now.Utilisation)}), headroom {now.Headroom}", evidence);
    }

    /// <summary>Who holds a database's connections: the largest application, client address and user.</summary>
    private static IEnumerable<string> Holders(DatabaseSample sample)
    {
        string Share(int count) => sample.Connections == 0 ? "" : $" ({Percent((double)count / sample.Connections)})";
        foreach (var application in sample.ByApplication.Take(3))
        {
            yield return $"application '{(application.Key.Length > 0 ? application.Key : "(no application_name)")}' holds {application.Connections}{Share(application.Connections)}";
        }
        if (sample.ByClientAddress.FirstOrDefault() is { Connections: > 0 } address)
        {
            yield return $"client address {address.Key} holds {address.Connections}{Share(address.Connections)}";
        }
        if (sample.ByUser.FirstOrDefault() is { Connections: > 0 } user)
        {
            yield return $"user {user.Key} holds {user.Connections}{Share(user.Connections)}";
        }
        var states = string.Join(", ", sample.ByState.Select(s => $"{s.Key} {s.Connections}"));
        if (states.Length > 0)
        {
            yield return $"by state: {states}";
        }
    }

    /// <summary>Database unreachable: samples that failed for another reason than full slots, and the gateway's connect failures.</summary>
    private static Finding Unreachable(DiagnosisFacts facts)
    {
        const string Title = "database unreachable";
        var connectFailures = facts.Evidence.Events.Where(e => e.Kind == "server_connect_failed" || (e.Kind == "server_login_failed" && !IsOutOfSlots(e.Detail))).ToList();
        if (!facts.HasDatabase && connectFailures.Count == 0)
        {
            return new Finding(Cause.DatabaseUnreachable, Title, FindingStatus.NoData, Health.Failing, 0, NoDatabase, []);
        }
        var evidence = new List<string>();
        var downNow = facts.Latest.Where(s => s.State == SampleState.Down && !IsOutOfSlots(s.Error)).ToList();
        var downSome = facts.Samples.Where(s => s.State == SampleState.Down && !IsOutOfSlots(s.Error)).ToList();
        evidence.AddRange(downNow.Select(s => $"database {s.Database}: {s.Error}"));
        evidence.AddRange(connectFailures.Take(3).Select(e => $"gateway {e.Kind.Replace('_', ' ')} for {e.Pool}: {e.Detail}"));
        if (downNow.Count > 0)
        {
            return new Finding(Cause.DatabaseUnreachable, Title, FindingStatus.Confirmed, Health.Failing, 200,
                $"database {downNow[0].Database} cannot be sampled: {downNow[0].Error}", evidence);
        }
        if (downSome.Count > 0 || connectFailures.Count > 0)
        {
            var first = downSome.Count > 0 ? $"{downSome.Count} of {facts.Samples.Count} samples failed ({downSome[0].Error})" : $"the gateway failed to connect: {connectFailures[0].Detail}";
            return new Finding(Cause.DatabaseUnreachable, Title, FindingStatus.Possible, Health.Degraded, 60, first, evidence);
        }
        if (facts.Up.Count == 0)
        {
            return new Finding(Cause.DatabaseUnreachable, Title, FindingStatus.RuledOut, Health.Failing, 0,
                "PostgreSQL answers: it refuses for lack of connection slots (see connection exhaustion)", evidence);
        }
        var slowest = facts.Up.Max(s => s.Duration.TotalMilliseconds);
        evidence.Add($"{facts.Up.Count} of {facts.Samples.Count} samples answered, the slowest in {Number(slowest)} ms");
        return new Finding(Cause.DatabaseUnreachable, Title, FindingStatus.RuledOut, Health.Failing, 0,
            $"every sample answered (slowest {Number(slowest)} ms)", evidence);
    }
}
